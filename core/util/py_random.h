#pragma once
// Python's `random` module, bit for bit: MT19937 seeded like random.seed(int), and the
// random.choice / random.random draws HAT's sample_configs uses. With it, our SuperTransformer
// training samples exactly the SubTransformer sequence HAT's train.py samples (seed = update count).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hat {

class PyRandom {
public:
    explicit PyRandom(uint64_t seed = 0) { seed_(seed); }
    void seed(uint64_t seed) { seed_(seed); }

    uint32_t genrandUint32();
    // random.getrandbits(k) for 1 <= k <= 32.
    uint32_t getrandbits(int k);
    // random._randbelow(n) (the getrandbits variant used by CPython 3.x), n >= 1.
    uint64_t randbelow(uint64_t n);
    // random.random(): 53-bit float in [0, 1).
    double random();

    template <typename T>
    const T& choice(const std::vector<T>& seq) {
        return seq[static_cast<size_t>(randbelow(seq.size()))];
    }

private:
    void seed_(uint64_t seed);
    void initGenrand(uint32_t s);
    void initByArray(const std::vector<uint32_t>& key);

    static constexpr int N = 624;
    uint32_t mt_[N];
    int mti_ = N + 1;
};

}  // namespace hat
