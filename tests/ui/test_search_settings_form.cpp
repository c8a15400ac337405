// The search settings form from empty settings, and what it remembers for the next start.
#include <QCheckBox>
#include <QComboBox>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

#include "ui/limit_model.h"
#include "ui/search_settings_form.h"

using namespace hat;
using namespace hat::ui;

class TestSearchSettingsForm : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void aNewUserGetsHatsEvolutionAndCanTurnTheSurrogateOn() {
        LimitModel limit;
        SearchSettingsForm form(&limit);
        auto* check = form.findChild<QCheckBox*>("surrogateCheck");
        QVERIFY(check);
        QCOMPARE(check->isChecked(), kDefaultSurrogatePool > 1);
        QVERIFY(check->toolTip().contains(QString::number(kSurrogatePool)));
        QCOMPARE(form.settings().surrogatePool, kDefaultSurrogatePool);
        check->setChecked(true);
        QCOMPARE(form.settings().surrogatePool, kSurrogatePool);
        check->setChecked(false);
        QCOMPARE(form.settings().surrogatePool, 1);
    }

    void racingIsOneCheckboxSayingWhatItStops() {
        LimitModel limit;
        SearchSettingsForm form(&limit);
        auto* check = form.findChild<QCheckBox*>("racingCheck");
        QVERIFY(check);
        QCOMPARE(check->isChecked(), kDefaultRacing);
        QCOMPARE(form.settings().racing, kDefaultRacing);
        QVERIFY(check->toolTip().contains("3 standard errors"));
        check->setChecked(!kDefaultRacing);
        QCOMPARE(form.settings().racing, !kDefaultRacing);
        check->setChecked(kDefaultRacing);
    }

    void everyFieldIsRememberedForTheNextStart() {
        {
            LimitModel limit;
            SearchSettingsForm form(&limit);
            form.findChild<QCheckBox*>("surrogateCheck")->setChecked(true);
            form.findChild<QCheckBox*>("racingCheck")->setChecked(!kDefaultRacing);
            form.findChild<QSpinBox*>("threadsSpin")->setValue(2);
            form.findChild<QComboBox*>("warmCombo")->setCurrentIndex(1);
            form.findChild<QSpinBox*>("generationsSpin")->setValue(7);
            form.setAutoResearch(false);
        }
        LimitModel limit;
        SearchSettingsForm again(&limit);
        QVERIFY(again.findChild<QCheckBox*>("surrogateCheck")->isChecked());
        QCOMPARE(again.settings().surrogatePool, kSurrogatePool);
        QCOMPARE(again.settings().racing, !kDefaultRacing);
        // Read back before the form rewrote them (they once came back as their defaults).
        QCOMPARE(again.threads(), std::min(2, again.findChild<QSpinBox*>("threadsSpin")->maximum()));
        QVERIFY(!again.warm());
        QVERIFY(!again.autoResearch());
        QCOMPARE(again.settings().generations, 7);
    }
};

QTEST_MAIN(TestSearchSettingsForm)
#include "test_search_settings_form.moc"
