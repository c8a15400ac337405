// SelectionModel: the user's selection stays; automatic ones only fill an empty or automatic one.
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

#include "ui/selection_model.h"

using namespace hat;
using namespace hat::ui;

class TestSelectionModel : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void automaticChoicesNeverReplaceTheUsers() {
        SelectionModel s;
        QSignalSpy changed(&s, &SelectionModel::selectionChanged);
        const Gene a{1, 2, 3}, b{4, 5, 6}, c{7, 8, 9};
        s.offer(a);  // nothing chosen yet: the answer is shown
        QCOMPARE(*s.selected(), a);
        QVERIFY(!s.chosenByUser());
        s.offer(b);  // a newer answer replaces an automatic one
        QCOMPARE(*s.selected(), b);
        s.select(c);
        QVERIFY(s.chosenByUser());
        s.offer(a);  // the user's choice stays
        QCOMPARE(*s.selected(), c);
        QCOMPARE(changed.count(), 3);
        s.select(std::nullopt);  // cleared by the user: answers fill it again
        s.offer(a);
        QCOMPARE(*s.selected(), a);
    }

    void markAndPinAreIndependentOfTheSelection() {
        SelectionModel s;
        const Gene a{1}, b{2};
        s.select(a);
        s.mark(b);
        s.pin(a);
        QCOMPARE(*s.selected(), a);
        QCOMPARE(*s.marked(), b);
        QCOMPARE(*s.reference(), a);
        QSignalSpy pinned(&s, &SelectionModel::referenceChanged);
        s.reset();
        QVERIFY(!s.selected() && !s.marked() && !s.reference());
        QCOMPARE(pinned.count(), 1);
    }

    void pinAndClearByTheUserCanBeUndone() {
        SelectionModel s;
        QUndoStack undo;
        s.setUndoStack(&undo);
        const Gene a{1}, b{2};
        s.changeReference(a);
        s.changeReference(b);
        s.changeReference(b);  // no change, no step
        s.changeReference(std::nullopt);  // the deletion
        QCOMPARE(undo.count(), 3);
        QCOMPARE(undo.undoText(), QStringLiteral("Clear Reference"));
        QVERIFY(!s.reference());
        undo.undo();
        QCOMPARE(*s.reference(), b);
        undo.undo();
        QCOMPARE(*s.reference(), a);
        undo.redo();
        QCOMPARE(*s.reference(), b);
        s.pin(a);  // a restored reference (workspace open) is not an undo step
        QCOMPARE(undo.count(), 3);
    }
};

QTEST_APPLESS_MAIN(TestSelectionModel)
#include "test_selection_model.moc"
