#pragma once
// Spearman's rank correlation: how well one ordering of values follows another (the quality
// surrogate's fit, the benchmarks that judge it).
#include <vector>

namespace hat {

// Ranks from 0, ties sharing their mean rank.
std::vector<double> ranks(const std::vector<double>& values);
// The Pearson correlation of the two rank vectors; 0 when either is constant. Same lengths.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace hat
