#pragma once
// HAT SubTransformer files: YAML with the *-subtransformer keys (lists cut to the layer count) and
// our JSON form (HAT's config dict: {"encoder": {...}, "decoder": {...}}).
#include <string>

#include "core/space/sub_config.h"

namespace hat {

struct DesignSpace;

// Parse and validate against `space` (when given). Errors name `file`, the key and allowed values.
SubConfig parseSubConfigYaml(const std::string& text, const std::string& file,
                             const DesignSpace* space);
SubConfig loadSubConfigYaml(const std::string& path, const DesignSpace* space);
std::string subConfigToYaml(const SubConfig& config);

// HAT's config dict as JSON (accepts lists longer than the layer count, like HAT).
SubConfig parseSubConfigJson(const std::string& text, const std::string& file,
                             const DesignSpace* space);
std::string subConfigToJson(const SubConfig& config, int indent = 2);

// Either format, chosen by the file's extension (.json or .yml/.yaml).
SubConfig loadSubConfig(const std::string& path, const DesignSpace* space);

}  // namespace hat
