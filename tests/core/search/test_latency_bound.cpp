// LatencyBound::within and its SQL twin agree on every row, at the limit itself included, with
// and without the 90% upper end; bestOnFront and the store's bestUnder use them.
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <random>

#include "core/search/latency_bound.h"
#include "core/search/pareto.h"
#include "core/store/workspace_db.h"

using namespace hat;

class TestLatencyBound : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void withinTakesThePredictionOrItsUpperEnd() {
        const LatencyBound b{100.0, 130.0};
        QVERIFY(b.within(100.0, false));  // at the limit is within
        QVERIFY(!b.within(99.999, false));
        QVERIFY(!b.within(129.0, true));
        QVERIFY(b.within(130.0, true));
        QCOMPARE(b.constrained(false), 100.0);
        QCOMPARE(b.constrained(true), 130.0);
    }

    void theSqlTwinAgreesOnEveryRow() {
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(":memory:", &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "CREATE TABLE l (id INTEGER PRIMARY KEY, ms REAL, upper_ms REAL)", nullptr,
                              nullptr, nullptr),
                 SQLITE_OK);
        std::mt19937_64 rng(3);
        std::uniform_int_distribution<int> tenths(0, 400);
        std::vector<LatencyBound> rows;
        for (int i = 0; i < 500; ++i) {
            const double ms = tenths(rng) / 10.0;
            rows.push_back({ms, ms + tenths(rng) / 40.0});
        }
        sqlite3_stmt* insert = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO l (id, ms, upper_ms) VALUES (?, ?, ?)", -1, &insert, nullptr);
        for (size_t i = 0; i < rows.size(); ++i) {
            sqlite3_bind_int64(insert, 1, int64_t(i));
            sqlite3_bind_double(insert, 2, rows[i].ms);
            sqlite3_bind_double(insert, 3, rows[i].upperMs);
            QCOMPARE(sqlite3_step(insert), SQLITE_DONE);
            sqlite3_reset(insert);
        }
        sqlite3_finalize(insert);
        // Limits that fall exactly on stored values as well as between them.
        for (const double limit : {0.0, 5.0, 12.3, 20.0, 20.05, 33.3, 40.0, 60.0}) {
            for (const bool useUpper : {false, true}) {
                const std::string sql = "SELECT id FROM l WHERE " + latencyWithinSql("l", useUpper) + " ORDER BY id";
                sqlite3_stmt* q = nullptr;
                QCOMPARE(sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr), SQLITE_OK);
                sqlite3_bind_double(q, 1, limit);
                std::vector<int64_t> bySql, byCpp;
                while (sqlite3_step(q) == SQLITE_ROW) bySql.push_back(sqlite3_column_int64(q, 0));
                sqlite3_finalize(q);
                for (size_t i = 0; i < rows.size(); ++i) {
                    if (rows[i].within(limit, useUpper)) byCpp.push_back(int64_t(i));
                }
                QCOMPARE(bySql, byCpp);
                if (limit == 20.0) QVERIFY(!byCpp.empty() && byCpp.size() < rows.size());
            }
        }
        sqlite3_close(db);
    }

    void theStoresBestUnderIsTheBestOnTheFront() {
        QTemporaryDir dir;
        WorkspaceDb db = WorkspaceDb::open(dir.filePath("w.db").toStdString(), true);
        const int64_t sn = db.addSupernet({0, "s.pt", "sum", 1});
        const int64_t fs = db.addFitnessSet({0, "valid", 8, "x"});
        const int64_t dev = db.addDevice({0, "d", "dataset", "test", ""});
        std::vector<EvaluationRecord> evals;
        std::vector<std::pair<Gene, LatencyBound>> lat;
        std::vector<EvaluatedPoint> points;
        std::mt19937_64 rng(9);
        for (int i = 0; i < 60; ++i) {
            const Gene g{i, int(rng() % 7)};
            const double loss = 4.0 + double(rng() % 1000) / 250.0;
            const double ms = double(rng() % 100);
            const LatencyBound bound{ms, ms + double(rng() % 30)};
            evals.push_back({g, loss, std::nullopt});
            lat.emplace_back(g, bound);
            points.push_back({g, loss, std::nullopt, bound.ms, bound.upperMs});
        }
        db.addEvaluations(sn, fs, evals);
        db.addLatencies(dev, lat);
        for (const bool useUpper : {false, true}) {
            const std::vector<EvaluatedPoint> front = paretoFront(points, useUpper);
            for (const double limit : {0.0, 17.0, 50.0, 99.0, 200.0}) {
                const auto fromFront = bestOnFront(front, limit, useUpper);
                const auto fromStore = db.bestUnder(sn, fs, dev, limit, useUpper);
                QCOMPARE(fromStore.has_value(), fromFront.has_value());
                if (fromStore) QCOMPARE(fromStore->validLoss, fromFront->validLoss);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestLatencyBound)
#include "test_latency_bound.moc"
