#include "core/model/tensor_records.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>

#include "core/model/pickle_claims.h"
#include "core/util/error.h"

namespace hat {

namespace {

// The archive's bytes for PyTorchStreamReader. Unlike LibTorch's own readers it never copies from
// outside the buffer, whatever offset a damaged zip directory asks for.
class BoundedBytes final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit BoundedBytes(const std::vector<char>& bytes) : bytes_(bytes) {}
    size_t size() const override { return bytes_.size(); }
    size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
        if (pos >= bytes_.size()) return 0;
        const size_t m = static_cast<size_t>(std::min<uint64_t>(n, bytes_.size() - pos));
        std::memcpy(buf, bytes_.data() + pos, m);
        return m;
    }

private:
    const std::vector<char>& bytes_;
};

uint64_t little(const std::vector<char>& b, size_t at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
    return v;
}

// What each record claims in the zip's central directory: its stored and its uncompressed size.
struct Claim {
    uint64_t stored = 0, uncompressed = 0;
};

// Deflate expands a byte to at most about 1032 (RFC 1951's longest match per shortest code).
constexpr uint64_t kMaxDeflateRatio = 1032;

// Each record's claim by its name inside the archive's top folder ("data/0"); empty when no
// directory is found (PyTorchStreamReader then says what is wrong). PyTorchStreamReader allocates
// the uncompressed size a record claims before inflating it, so a deflated record claiming far
// more than deflate can expand to would cost gigabytes before its error: it is refused first.
std::map<std::string, Claim> recordClaims(const std::vector<char>& b) {
    std::map<std::string, Claim> out;
    const size_t n = b.size();
    if (n < 22) return out;
    size_t eocd = std::string::npos;
    for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 65535;) {
        if (little(b, i, 4) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd == std::string::npos) return out;
    uint64_t entries = little(b, eocd + 10, 2), dirOffset = little(b, eocd + 16, 4);
    if ((dirOffset == 0xffffffff || entries == 0xffff) && eocd >= 20 && little(b, eocd - 20, 4) == 0x07064b50) {
        const uint64_t z = little(b, eocd - 20 + 8, 8);  // the zip64 end of central directory
        if (z + 56 > n || little(b, static_cast<size_t>(z), 4) != 0x06064b50) return out;
        entries = little(b, static_cast<size_t>(z) + 32, 8);
        dirOffset = little(b, static_cast<size_t>(z) + 48, 8);
    }
    uint64_t at = dirOffset;
    for (uint64_t e = 0; e < entries && at + 46 <= n && little(b, static_cast<size_t>(at), 4) == 0x02014b50; ++e) {
        const size_t p = static_cast<size_t>(at);
        Claim c{little(b, p + 20, 4), little(b, p + 24, 4)};
        const size_t nameLen = little(b, p + 28, 2), extraLen = little(b, p + 30, 2), commentLen = little(b, p + 32, 2);
        if (p + 46 + nameLen + extraLen > n) break;
        const std::string name(b.data() + p + 46, nameLen);
        // Sizes of 0xffffffff are in the zip64 extra field: uncompressed first, then stored.
        for (size_t x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
            const size_t id = little(b, x, 2), len = little(b, x + 2, 2);
            if (id == 0x0001 && x + 4 + len <= n) {
                size_t f = x + 4;
                if (c.uncompressed == 0xffffffff && f + 8 <= x + 4 + len) c.uncompressed = little(b, f, 8), f += 8;
                if (c.stored == 0xffffffff && f + 8 <= x + 4 + len) c.stored = little(b, f, 8);
            }
            x += 4 + len;
        }
        const size_t slash = name.find('/');
        out[slash == std::string::npos ? name : name.substr(slash + 1)] = c;
        at += 46 + nameLen + extraLen + commentLen;
    }
    return out;
}

struct Record {
    std::string name;
    size_t bytes = 0;
};
// Each storage the unpickler built, by the buffer it was given: the record it came from.
using Records = std::map<const void*, Record>;

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string shapeText(const at::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

// Fails unless every element `t` addresses lies inside its storage, and its storage inside the
// record it was read from. Sizes and strides come straight from the pickle: the arithmetic is
// done so that no value overflows.
void checkTensor(const at::Tensor& t, const std::string& what, const Records& records,
                 const std::string& file) {
    if (t.layout() != c10::kStrided) fail(file, what + " is not a dense tensor");
    if (!t.device().is_cpu()) fail(file, what + " is not a CPU tensor");
    const c10::Storage& storage = t.storage();
    const auto rec = records.find(storage.data());
    const size_t nbytes = storage.nbytes();
    // An empty storage may be given a buffer of its own (nothing to read either way).
    if (rec == records.end() && nbytes > 0) fail(file, what + " is not backed by a record of the file");
    if (rec != records.end() && nbytes > rec->second.bytes) {
        fail(file, what + " declares " + std::to_string(nbytes) + " bytes of storage, but its record '" +
                       rec->second.name + "' holds " + std::to_string(rec->second.bytes) +
                       ": the file is damaged");
    }
    const auto sizes = t.sizes();
    const auto strides = t.strides();
    const int64_t offset = t.storage_offset();
    if (offset < 0) fail(file, what + " has a negative storage offset");
    bool empty = false;
    for (int64_t s : sizes) {
        if (s < 0) fail(file, what + " has a negative size");
        empty = empty || s == 0;
    }
    if (empty) return;  // addresses nothing
    // Lowest and highest element offsets reached, as 128-bit integers: each term is at most
    // 2^63 x 2^63, and there are at most a few dozen dimensions.
    __int128 lo = offset, hi = offset;
    for (size_t d = 0; d < sizes.size(); ++d) {
        const __int128 span = static_cast<__int128>(sizes[d] - 1) * strides[d];
        (span < 0 ? lo : hi) += span;
    }
    const __int128 limit = static_cast<__int128>(nbytes);
    const __int128 end = (hi + 1) * static_cast<__int128>(t.element_size());
    if (lo < 0 || end > limit) {
        fail(file, what + " (shape " + shapeText(t) + ", offset " + std::to_string(offset) +
                       ") reaches beyond its " + std::to_string(nbytes) +
                       "-byte storage: the file is damaged");
    }
}

// Every tensor in the object, wherever it sits. Nesting is bounded so that a hostile pickle of
// lists in lists cannot exhaust the stack here.
void checkAll(const c10::IValue& v, const std::string& where, int depth, const Records& records,
              const std::string& file) {
    if (depth > 64) fail(file, "objects nested more than 64 deep");
    if (v.isTensor()) {
        checkTensor(v.toTensor(), where.empty() ? "a tensor" : "tensor " + where, records, file);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict()) {
            const std::string key = kv.key().isString() ? "'" + kv.key().toStringRef() + "'" : where + "[?]";
            checkAll(kv.value(), key, depth + 1, records, file);
        }
    } else if (v.isList()) {
        const auto list = v.toListRef();
        for (size_t i = 0; i < list.size(); ++i) {
            checkAll(list[i], where + "[" + std::to_string(i) + "]", depth + 1, records, file);
        }
    } else if (v.isTuple()) {
        const auto& elements = v.toTupleRef().elements();
        for (size_t i = 0; i < elements.size(); ++i) {
            checkAll(elements[i], where + "[" + std::to_string(i) + "]", depth + 1, records, file);
        }
    }
}

}  // namespace

c10::IValue unpickleCheckingRecords(const std::vector<char>& bytes, const std::string& file) {
    Records records;
    c10::IValue value;
    try {
        // What torch::pickle_load does (the "data.pkl" record, tensors under "data/"), with a
        // record reader that remembers each record's true size.
        const std::map<std::string, Claim> claims = recordClaims(bytes);
        auto refuseHugeClaim = [&](const std::string& name) {
            const auto c = claims.find(name);
            if (c != claims.end() && c->second.uncompressed / kMaxDeflateRatio > c->second.stored) {
                fail(file, "record '" + name + "' claims " + std::to_string(c->second.uncompressed) + " bytes from " +
                               std::to_string(c->second.stored) + " stored, more than any compression gives");
            }
        };
        refuseHugeClaim("data.pkl");
        caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedBytes>(bytes));
        at::DataPtr pickle;
        size_t pickleSize = 0;
        std::tie(pickle, pickleSize) = reader.getRecord("data.pkl");
        const char* pickleBytes = static_cast<const char*>(pickle.get());
        checkPickleClaims(pickleBytes, pickleSize, file, "data.pkl");
        size_t consumed = 0;
        auto readPickle = [&](char* buf, size_t n) -> size_t {
            const size_t m = std::min(n, pickleSize - consumed);
            if (m) std::memcpy(buf, pickleBytes + consumed, m);
            consumed += m;
            return m;
        };
        auto readRecord = [&](const std::string& key) {
            const std::string name = "data/" + key;
            refuseHugeClaim(name);
            at::DataPtr data;
            size_t size = 0;
            std::tie(data, size) = reader.getRecord(name);
            records[data.get()] = {name, size};
            return data;
        };
        torch::jit::Unpickler unpickler(readPickle, nullptr, nullptr, readRecord, c10::nullopt);
        unpickler.set_version(reader.version());
        value = unpickler.parse_ivalue();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(file, "not a torch.save'd dict of tensors (" + firstLine(e.what()) + ")");
    }
    checkAll(value, "", 0, records, file);
    return value;
}

}  // namespace hat
