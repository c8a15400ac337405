// Built-in devices: HAT's eight measured sets and this machine, with data files that exist.
#include <QtTest>

#include <filesystem>

#include "core/latency/device.h"
#include "support/fixtures.h"

using namespace hat;
using namespace hat::test;

class TestDevice : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtinDevicesHaveTheirData() {
        const auto devices = builtinDevices();
        int hat = 0, local = 0;
        const std::string data = sourcePath("data");
        for (const auto& d : devices) {
            QVERIFY(!d.id.empty() && !d.name.empty() && !d.provenance.empty());
            QVERIFY(std::filesystem::exists(d.resolve(data, d.spacePath)));
            if (d.local) {
                ++local;
                QVERIFY(d.threads >= 1);
            } else {
                ++hat;
                QVERIFY(std::filesystem::exists(d.resolve(data, d.datasetPath)));
                QVERIFY(d.provenance.find("MIT") != std::string::npos);
            }
        }
        QCOMPARE(hat, 8);
        QVERIFY(local >= 1);
        QCOMPARE(findDevice("hat/wmt14ende_cpu_raspberrypi").hardware, std::string("ARM Cortex-A72"));
        QCOMPARE(findDevice("local/1t").threads, 1);
        QCOMPARE(localDevice(4).id, std::string("local/4t"));
        QCOMPARE(localDevice(1, "int8").id, std::string("local/1t/int8"));
        QCOMPARE(localDevice(1, "int8").datasetPath, std::string("latency/local/space0_1t_int8.csv"));
        QCOMPARE(findDevice("local/1t/int8-qnnpack").runtime, std::string("int8-qnnpack"));
        QCOMPARE(findDevice("local/1t").runtime, std::string("fp32"));
        QVERIFY(errorOf([] { localDevice(1, "tpu"); }).find("unknown runtime") == 0);
    }
    void unknownDeviceListsTheKnownOnes() {
        const auto e = errorOf([] { findDevice("hat/pdp11"); });
        QVERIFY(e.find("unknown device 'hat/pdp11'") == 0);
        QVERIFY(e.find("hat/wmt14ende_cpu_xeon") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestDevice)
#include "test_device.moc"
