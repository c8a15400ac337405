// PyRandom against values printed by CPython 3.11's random module.
#include <QtTest>

#include "core/util/py_random.h"

using hat::PyRandom;

class TestPyRandom : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void randomMatchesCPython() {
        PyRandom r(0);  // random.seed(0); [random.random() for _ in range(3)]
        QCOMPARE(r.random(), 0.8444218515250481);
        QCOMPARE(r.random(), 0.7579544029403025);
        QCOMPARE(r.random(), 0.420571580830845);
    }
    void choiceMatchesCPython() {
        PyRandom r(2020);  // random.seed(2020); random.choice([640, 512, 1024]) x10
        const std::vector<int> seq{640, 512, 1024};
        const std::vector<int> expected{1024, 1024, 640, 1024, 512, 512, 512, 512, 512, 1024};
        for (int e : expected) QCOMPARE(r.choice(seq), e);
        PyRandom s(123456789);  // random.choice(range(6)) x8: exercises rejection sampling
        const std::vector<int> six{0, 1, 2, 3, 4, 5};
        for (int e : {5, 3, 4, 5, 4, 3, 2, 5}) QCOMPARE(s.choice(six), e);
    }
    void multiWordSeed() {
        PyRandom r((1ULL << 40) + 7);  // a seed wider than 32 bits uses two key words
        QCOMPARE(r.getrandbits(32), 2635837658U);
        QCOMPARE(r.getrandbits(32), 3209733218U);
        QCOMPARE(r.getrandbits(32), 3500038837U);
    }
};

QTEST_APPLESS_MAIN(TestPyRandom)
#include "test_py_random.moc"
