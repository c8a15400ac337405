// Input files checked before they are read: FIFOs refused without blocking, directories and
// oversized files refused with the file's name, and file bytes quoted as one printable line.
#include <sys/stat.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/util/input_file.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

namespace {
void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}
}  // namespace

class TestInputFile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp;
    std::string path(const char* name) const { return tmp.filePath(name).toStdString(); }

private Q_SLOTS:
    void readsARegularFileWhole() {
        // Bytes of every value, more than one read buffer (64 KB) long.
        std::string bytes;
        for (int i = 0; i < 200000; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xff));
        writeFile(path("data.bin"), bytes);
        QCOMPARE(readSmallRegularFile(path("data.bin"), 200000, "a test file"), bytes);
        writeFile(path("empty.txt"), "");
        QCOMPARE(readSmallRegularFile(path("empty.txt"), 10, "a test file"), std::string());
    }
    void refusesAFifoWithoutBlocking() {
        QVERIFY(::mkfifo(path("pipe.yml").c_str(), 0600) == 0);
        QElapsedTimer clock;
        clock.start();
        const std::string m = errorOf([&] { readSmallRegularFile(path("pipe.yml"), 1000, "a space"); });
        QVERIFY2(m == path("pipe.yml") + ": is a FIFO (named pipe), not a regular file", m.c_str());
        QVERIFY(clock.elapsed() < 5000);  // nobody ever writes to it: any wait would be forever
        const std::string streamed = errorOf([&] { requireRegularFile(path("pipe.yml")); });
        QCOMPARE(streamed, m);
    }
    void refusesDirectoriesMissingFilesAndDevices() {
        QVERIFY(QDir().mkpath(tmp.filePath("dir.yml")));
        std::string m = errorOf([&] { readSmallRegularFile(path("dir.yml"), 1000, "a space"); });
        QCOMPARE(m, path("dir.yml") + ": is a directory, not a regular file");
        QCOMPARE(errorOf([&] { requireRegularFile(path("dir.yml")); }), m);

        m = errorOf([&] { readSmallRegularFile(path("none.yml"), 1000, "a space"); });
        QCOMPARE(m, path("none.yml") + ": cannot open file: no such file or directory");
        QCOMPARE(errorOf([&] { requireRegularFile(path("none.yml")); }), m);

        m = errorOf([&] { readSmallRegularFile("/dev/null", 1000, "a space"); });
        QCOMPARE(m, std::string("/dev/null: is a character device, not a regular file"));
    }
    void refusesFilesOverTheCapBeforeReadingThem() {
        writeFile(path("big.yml"), std::string(300 * 1024, 'a'));
        const std::string m = errorOf([&] { readSmallRegularFile(path("big.yml"), 256 * 1024, "a design space"); });
        QCOMPARE(m, path("big.yml") + ": is 300 KB, too large for a design space (at most 256 KB)");
        // Exactly at the cap is fine.
        QCOMPARE(readSmallRegularFile(path("big.yml"), 300 * 1024, "a design space").size(), size_t(300 * 1024));
        writeFile(path("small.yml"), std::string(1001, 'b'));
        QCOMPARE(errorOf([&] { readSmallRegularFile(path("small.yml"), 1000, "a SubTransformer file"); }),
                 path("small.yml") + ": is 1001 bytes, too large for a SubTransformer file (at most 1000 bytes)");
        // A symbolic link to a regular file is read through.
        QVERIFY(QFile::link(tmp.filePath("small.yml"), tmp.filePath("link.yml")));
        QCOMPARE(readSmallRegularFile(path("link.yml"), 2000, "x").size(), size_t(1001));
        requireRegularFile(path("link.yml"));
    }
    void shownTextIsOnePrintableLine() {
        QCOMPARE(shownText("plain words"), std::string("plain words"));
        QCOMPARE(shownText("line\nbreak\ttab\x01"), std::string("line\\x0abreak\\x09tab\\x01"));
        // Well-formed UTF-8 stays, broken sequences are escaped byte by byte.
        QCOMPARE(shownText("Grüße"), std::string("Grüße"));
        QCOMPARE(shownText("a\xc3(b\xff"), std::string("a\\xc3(b\\xff"));
        QCOMPARE(shownText("\xe2\x82"), std::string("\\xe2\\x82"));  // cut short
        QCOMPARE(shownText(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
        QCOMPARE(shownText(std::string(10, 'x'), 10), std::string(10, 'x'));
    }
};

QTEST_APPLESS_MAIN(TestInputFile)
#include "test_input_file.moc"
