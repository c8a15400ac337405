#pragma once
// torch.save-format files built byte by byte at test time, to say what LibTorch's pickle_save
// never would: a storage that declares more elements than its record holds, a tensor whose
// offset, sizes or strides reach past its storage. Built with LibTorch's own zip writer, so only
// the parts under test are hostile.
#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hat::test {

// One dict entry: a tensor over storage record "data/<key>".
struct HostileTensor {
    std::string name;
    std::string storageClass = "FloatStorage";  // torch.<class>: the element type
    std::string key = "0";
    int64_t declaredNumel = 0;                  // what the pickle says the storage holds
    int64_t offset = 0;
    std::vector<int64_t> sizes, strides;
};

namespace detail {
inline void putUnicode(std::string& p, const std::string& s) {
    p += 'X';  // BINUNICODE: 4-byte little-endian length, then the bytes
    const uint32_t n = static_cast<uint32_t>(s.size());
    for (int i = 0; i < 4; ++i) p += static_cast<char>((n >> (8 * i)) & 0xff);
    p += s;
}
inline void putLong(std::string& p, int64_t v) {
    p += '\x8a';  // LONG1 with 8 bytes, two's complement little-endian
    p += '\x08';
    const uint64_t u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) p += static_cast<char>((u >> (8 * i)) & 0xff);
}
inline void putGlobal(std::string& p, const std::string& module, const std::string& name) {
    p += 'c' + module + "\n" + name + "\n";
}
inline void putIntTuple(std::string& p, const std::vector<int64_t>& v) {
    p += '(';
    for (int64_t x : v) putLong(p, x);
    p += 't';
}
}  // namespace detail

// The pickle torch.save writes for {name: tensor, ...} (protocol 2, without the memo).
inline std::string tensorDictPickle(const std::vector<HostileTensor>& tensors) {
    using namespace detail;
    std::string p = "\x80\x02}(";  // an empty dict, then a mark for SETITEMS
    for (const auto& t : tensors) {
        putUnicode(p, t.name);
        putGlobal(p, "torch._utils", "_rebuild_tensor_v2");
        p += '(';
        p += '(';  // the persistent id: ('storage', class, key, location, numel)
        putUnicode(p, "storage");
        putGlobal(p, "torch", t.storageClass);
        putUnicode(p, t.key);
        putUnicode(p, "cpu");
        putLong(p, t.declaredNumel);
        p += "tQ";
        putLong(p, t.offset);
        putIntTuple(p, t.sizes);
        putIntTuple(p, t.strides);
        p += '\x89';  // requires_grad = False
        putGlobal(p, "collections", "OrderedDict");
        p += ")R";  // OrderedDict(): the backward hooks
        p += "tR";  // _rebuild_tensor_v2(...)
    }
    p += "u.";  // SETITEMS, STOP
    return p;
}

// A zip archive as torch.save writes it: "data.pkl" and the records "data/<key>".
inline std::vector<char> tensorArchive(const std::string& pickle,
                                       const std::map<std::string, std::string>& records) {
    std::vector<char> out;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* buf, size_t n) {
        out.insert(out.end(), static_cast<const char*>(buf), static_cast<const char*>(buf) + n);
        return n;
    });
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [key, bytes] : records) writer.writeRecord("data/" + key, bytes.data(), bytes.size());
    writer.writeEndOfFile();
    return out;
}

// Every record of a torch.save archive (the version records, which the writer adds, left out).
inline std::map<std::string, std::string> archiveRecords(const std::vector<char>& archive) {
    caffe2::serialize::PyTorchStreamReader reader(
        std::make_shared<caffe2::serialize::MemoryReadAdapter>(archive.data(), archive.size()));
    std::map<std::string, std::string> out;
    for (const auto& name : reader.getAllRecords()) {
        if (name == "version" || name == ".data/version") continue;
        auto [ptr, size] = reader.getRecord(name);
        out[name] = std::string(static_cast<const char*>(ptr.get()), size);
    }
    return out;
}

// `archive` with record `name` ("data/3") holding `bytes` instead; the pickle is unchanged.
inline std::vector<char> withRecord(const std::vector<char>& archive, const std::string& name,
                                    const std::string& bytes) {
    auto records = archiveRecords(archive);
    records.at(name) = bytes;
    std::vector<char> out;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* buf, size_t n) {
        out.insert(out.end(), static_cast<const char*>(buf), static_cast<const char*>(buf) + n);
        return n;
    });
    for (const auto& [n, b] : records) writer.writeRecord(n, b.data(), b.size());
    writer.writeEndOfFile();
    return out;
}

// The name of the largest tensor record ("data/<key>"), the one a truncation hurts most.
inline std::string largestRecord(const std::vector<char>& archive) {
    std::string best;
    size_t most = 0;
    for (const auto& [name, bytes] : archiveRecords(archive)) {
        if (name.rfind("data/", 0) == 0 && bytes.size() > most) {
            most = bytes.size();
            best = name;
        }
    }
    return best;
}

}  // namespace hat::test
