#include "core/util/py_random.h"

#include <cstddef>

namespace hat {

namespace {
constexpr int M = 397;
constexpr uint32_t MATRIX_A = 0x9908b0dfU;
constexpr uint32_t UPPER_MASK = 0x80000000U;
constexpr uint32_t LOWER_MASK = 0x7fffffffU;
}  // namespace

void PyRandom::initGenrand(uint32_t s) {
    mt_[0] = s;
    for (mti_ = 1; mti_ < N; mti_++) {
        mt_[mti_] = 1812433253U * (mt_[mti_ - 1] ^ (mt_[mti_ - 1] >> 30)) + static_cast<uint32_t>(mti_);
    }
}

void PyRandom::initByArray(const std::vector<uint32_t>& key) {
    initGenrand(19650218U);
    int i = 1;
    size_t j = 0;
    const size_t keyLength = key.size();
    for (size_t k = (static_cast<size_t>(N) > keyLength ? N : keyLength); k; k--) {
        mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] + static_cast<uint32_t>(j);
        i++;
        j++;
        if (i >= N) {
            mt_[0] = mt_[N - 1];
            i = 1;
        }
        if (j >= keyLength) j = 0;
    }
    for (int k = N - 1; k; k--) {
        mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<uint32_t>(i);
        i++;
        if (i >= N) {
            mt_[0] = mt_[N - 1];
            i = 1;
        }
    }
    mt_[0] = 0x80000000U;
}

void PyRandom::seed_(uint64_t seed) {
    // random.seed(n) for a non-negative int: the key is n's 32-bit words, least significant first
    // (a single 0 word for n == 0).
    std::vector<uint32_t> key;
    if (seed == 0) key.push_back(0);
    while (seed) {
        key.push_back(static_cast<uint32_t>(seed & 0xffffffffU));
        seed >>= 32;
    }
    initByArray(key);
}

uint32_t PyRandom::genrandUint32() {
    static const uint32_t mag01[2] = {0x0U, MATRIX_A};
    uint32_t y;
    if (mti_ >= N) {
        int kk;
        for (kk = 0; kk < N - M; kk++) {
            y = (mt_[kk] & UPPER_MASK) | (mt_[kk + 1] & LOWER_MASK);
            mt_[kk] = mt_[kk + M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < N - 1; kk++) {
            y = (mt_[kk] & UPPER_MASK) | (mt_[kk + 1] & LOWER_MASK);
            mt_[kk] = mt_[kk + (M - N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (mt_[N - 1] & UPPER_MASK) | (mt_[0] & LOWER_MASK);
        mt_[N - 1] = mt_[M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        mti_ = 0;
    }
    y = mt_[mti_++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

uint32_t PyRandom::getrandbits(int k) { return genrandUint32() >> (32 - k); }

uint64_t PyRandom::randbelow(uint64_t n) {
    int k = 0;
    for (uint64_t v = n; v; v >>= 1) k++;  // n.bit_length()
    uint64_t r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return r;
}

double PyRandom::random() {
    const uint32_t a = genrandUint32() >> 5;
    const uint32_t b = genrandUint32() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

}  // namespace hat
