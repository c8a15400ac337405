// fairseq dictionary order, dict.txt round trip, corpus loading errors.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/data/dictionary.h"
#include "core/data/parallel_corpus.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestDictionary : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    std::string path(const char* n) { return dir.filePath(n).toStdString(); }

private Q_SLOTS:
    void fairseqOrder() {
        const Dictionary d = Dictionary::build({{"b", "a", "c", "a"}, {"c", "a", "d"}});
        QCOMPARE(d.symbol(0), std::string("<s>"));
        QCOMPARE(d.symbol(1), std::string("<pad>"));
        QCOMPARE(d.symbol(2), std::string("</s>"));
        QCOMPARE(d.symbol(3), std::string("<unk>"));
        QCOMPARE(d.symbol(4), std::string("a"));  // 3 times
        QCOMPARE(d.symbol(5), std::string("c"));  // 2 times
        QCOMPARE(d.symbol(6), std::string("b"));  // 1, ties alphabetical
        QCOMPARE(d.symbol(7), std::string("d"));
        QCOMPARE(d.size(), 8);                    // already a multiple of 8
        const Dictionary padded = Dictionary::build({{"x"}});
        QCOMPARE(padded.size(), 8);
        QCOMPARE(padded.symbol(5), std::string("madeupword0000"));
        QCOMPARE(d.encode({"c", "zzz"}), (std::vector<int32_t>{5, 3, 2}));
        QCOMPARE(d.decode({5, 4, 2, 1}), (std::vector<std::string>{"c", "a"}));
    }
    void dictTxtRoundTrip() {
        const Dictionary d = Dictionary::build({{"▁the", "▁cat", "▁the"}});
        d.saveFairseq(path("dict.txt"));
        const Dictionary e = Dictionary::loadFairseq(path("dict.txt"));
        QCOMPARE(e.size(), d.size());
        for (int i = 0; i < d.size(); ++i) QCOMPARE(e.symbol(i), d.symbol(i));
        QCOMPARE(e.count(4), int64_t(2));
    }
    void badDictionary() {
        { std::ofstream(path("bad.txt")) << "hello 3\nworld many\n"; }
        QVERIFY(errorOf([&] { Dictionary::loadFairseq(path("bad.txt")); }).find("line 2: bad count") != std::string::npos);
        { std::ofstream(path("empty.txt")); }
        QVERIFY(errorOf([&] { Dictionary::loadFairseq(path("empty.txt")); }).find("no symbols") != std::string::npos);
    }
    void corpusErrors() {
        { std::ofstream(path("a.en")) << "one\ntwo\n"; std::ofstream(path("a.de")) << "eins\n"; }
        auto m = errorOf([&] { loadParallelText(path("a.en"), path("a.de")); });
        QVERIFY2(m.find("a.de: has 1 lines but") != std::string::npos, m.c_str());
        { std::ofstream empty(path("e.en")); std::ofstream(path("e.de")) << "x\n"; }
        QVERIFY(errorOf([&] { loadParallelText(path("e.en"), path("e.de")); }).find("e.en: corpus file is empty") != std::string::npos);
        QVERIFY(errorOf([&] { loadParallelText(path("none.en"), path("a.de")); }).find("none.en: cannot open file") != std::string::npos);
        // Text whose every token is unknown to the dictionary.
        { std::ofstream(path("u.en")) << "q r s\n"; std::ofstream(path("u.de")) << "t u\n"; }
        const Dictionary d = Dictionary::build({{"a"}});
        m = errorOf([&] { tokenize(loadParallelText(path("u.en"), path("u.de")), d, nullptr, 100, "u.en"); });
        QVERIFY2(m.find("every token is unknown") != std::string::npos, m.c_str());
    }
    void realCorpusReadsFromGzip() {
        const auto lines = readLines(sourcePath("data/corpus/en-de/valid.en.gz"));
        const auto de = readLines(sourcePath("data/corpus/en-de/valid.de.gz"));
        QCOMPARE(lines.size(), de.size());
        QVERIFY(lines.size() > 1500 && lines.size() < 2500);
    }
};

QTEST_APPLESS_MAIN(TestDictionary)
#include "test_dictionary.moc"
