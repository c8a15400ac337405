#include "core/space/precision.h"

#include "core/util/error.h"

namespace hat {

std::string precisionName(Precision p) {
    switch (p) {
        case Precision::Fp32: return "fp32";
        case Precision::Int8: return "int8";
        case Precision::W4A8: return "w4a8";
    }
    return "fp32";
}

std::vector<Precision> allPrecisions() { return {Precision::Fp32, Precision::Int8, Precision::W4A8}; }

Precision parsePrecision(const std::string& name) {
    for (Precision p : allPrecisions()) {
        if (precisionName(p) == name) return p;
    }
    throw Error("unknown precision '" + name + "' (known: fp32, int8, w4a8)");
}

int weightBits(Precision p) {
    switch (p) {
        case Precision::Fp32: return 32;
        case Precision::Int8: return 8;
        case Precision::W4A8: return 4;
    }
    return 32;
}

}  // namespace hat
