#pragma once
// HAT's gene: the flat integer vector evolution searches over (HAT_SPEC §2, evolution.Converter).
#include <string>
#include <vector>

namespace hat {

struct DesignSpace;
struct SubConfig;

using Gene = std::vector<int>;

// config2gene. Unused ffn/heads slots take layer 0's value (HAT quirk); arbitrary slots copy the
// config's entries, and where the config's list is shorter than the super decoder depth (a
// YAML-form config, on which HAT itself raises) they too take entry 0.
Gene configToGene(const SubConfig& config, const DesignSpace& space);
// gene2config: plain slicing, lists of super length.
SubConfig geneToConfig(const Gene& gene, const DesignSpace& space);
// The gene of the same architecture with unused slots normalised as config2gene fills them, so
// two genes describe the same model exactly when their canonical genes are equal.
Gene canonicalGene(const Gene& gene, const DesignSpace& space);
// True when the gene has the right length and every position holds one of its choices.
bool geneIsValid(const Gene& gene, const DesignSpace& space);
// Throws hat::Error unless geneIsValid: "gene '640,2000000000,...': encoder layer count 2000000000
// is not in the space (6)", naming the first position that is wrong, or the length. For genes
// from outside (a database, a file) before anything sizes a model or a loop by them.
void validateGene(const Gene& gene, const DesignSpace& space);

// How genes are stored (the workspace database, settings): "640,512,6,...".
std::string geneToText(const Gene& gene);
// The reverse ("" is the empty gene); hat::Error naming the text when it is not a comma-separated list of integers.
// Says nothing about the space: check with geneIsValid before use.
Gene geneFromText(const std::string& text);

}  // namespace hat
