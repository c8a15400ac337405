#include "ui/search_settings_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/limit_model.h"

namespace hat::ui {

namespace {
QSpinBox* spin(QWidget* parent, const char* name, int lo, int hi, const QString& tip) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setToolTip(tip);
    return s;
}

// The one line under a field: smaller and quieter than the field's label.
QLabel* note(QWidget* parent, const QString& text) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    l->setFont(f);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}
}  // namespace

SearchSettingsForm::SearchSettingsForm(LimitModel* limit, QWidget* parent)
    : QWidget(parent), limit_(limit) {
    population_ =
        spin(this, "populationSpin", 3, 5000,
             tr("Architectures scored per generation (HAT: 125). Changing it rescales parents, "
                "mutations and crossovers in HAT's 1 : 2 : 2 proportion."));
    parents_ = spin(this, "parentsSpin", 1, 5000,
                    tr("The best of a generation, kept as they are (HAT: 25)"));
    mutations_ = spin(this, "mutationsSpin", 0, 5000,
                      tr("Children made by changing a parent's genes (HAT: 50)"));
    crossovers_ =
        spin(this, "crossoversSpin", 0, 5000, tr("Children mixing two parents' genes (HAT: 50)"));
    generations_ = spin(this, "generationsSpin", 0, 1000,
                        tr("Breeding rounds; generations + 1 populations are scored (HAT: 30)"));
    seed_ = spin(this, "seedSpin", 0, 1'000'000'000,
                 tr("The same seed, limit and settings give the same search"));
    threads_ = spin(this, "threadsSpin", 1, std::max(1, QThread::idealThreadCount()),
                    tr("Architectures evaluated side by side, one per thread"));
    start_ = new QComboBox(this);
    start_->setObjectName("warmCombo");
    start_->addItems({tr("Warm"), tr("Cold")});
    start_->setToolTip(
        tr("Warm starts generation 0 from the best architectures already evaluated under the "
           "limit (fast after the limit moves); cold starts from random ones, as HAT does"));
    upper_ = new QCheckBox(tr("Limit applies to the 90% upper end"), this);
    upper_->setObjectName("upperBoundCheck");
    upper_->setToolTip(
        tr("Count an architecture as fitting only when the upper end of its predicted latency's "
           "90% interval is under the limit, not just the prediction"));
    surrogate_ = new QCheckBox(tr("Screen children with a quality model"), this);
    surrogate_->setObjectName("surrogateCheck");
    surrogate_->setToolTip(
        tr("Breed %1 times the children, rank them by a model of the loss refitted on every "
           "architecture the search has scored, and score only the most promising on the "
           "SuperTransformer. Off: HAT's evolution, every child scored.")
            .arg(kSurrogatePool));
    racing_ = new QCheckBox(tr("Stop children that cannot become parents"), this);
    racing_->setObjectName("racingCheck");
    racing_->setToolTip(
        tr("Racing: score a child a few batches of the fitness set at a time and stop once its "
           "loss is, by %1 standard errors, worse than every parent's. A stopped child is shown "
           "as a bound (\u2265) and is not stored as an evaluation. Off: every child is scored "
           "on the whole fitness set.")
            .arg(EvolutionSettings{}.raceSigmas));
    auto_ = new QCheckBox(tr("Auto re-search when the limit moves"), this);
    auto_->setObjectName("autoResearchCheck");
    auto_->setToolTip(
        tr("Start a warm search when a limit drag ends or Enter is pressed in the limit box"));

    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto row = [&](const QString& label, QWidget* field, const QString& what) {
        form->addRow(label, field);
        form->addRow(note(this, what));
    };
    row(tr("Population"), population_, tr("architectures scored per generation"));
    row(tr("Parents"), parents_, tr("the best, kept into the next generation"));
    row(tr("Mutations"), mutations_, tr("children with some genes changed"));
    row(tr("Crossovers"), crossovers_, tr("children mixing two parents"));
    row(tr("Generations"), generations_, tr("breeding rounds after the first population"));
    row(tr("Seed"), seed_, tr("same seed and settings, same search"));
    row(tr("Threads"), threads_, tr("architectures evaluated side by side"));
    row(tr("Start"), start_, tr("warm: from the best stored; cold: random"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(upper_);
    layout->addWidget(note(this, tr("only the safe side of the predictor's 90% interval counts")));
    layout->addWidget(surrogate_);
    layout->addWidget(note(this, tr("only the children a loss model ranks best are scored")));
    layout->addWidget(racing_);
    layout->addWidget(note(this, tr("a child clearly worse than every parent is stopped early")));
    layout->addWidget(auto_);
    layout->addWidget(note(this, tr("a warm search when a limit drag ends or Enter is pressed")));
    restore();

    connect(population_, &QSpinBox::valueChanged, this, [this](int n) {
        // HAT's proportion 25 : 50 : 50; crossovers take the rounding.
        const QSignalBlocker a(parents_), b(mutations_), c(crossovers_);
        const int p = std::max(2, static_cast<int>(std::lround(n * 0.2)));
        const int m = std::max(0, static_cast<int>(std::lround(n * 0.4)));
        parents_->setValue(std::min(p, n));
        mutations_->setValue(std::max(0, std::min(m, n - parents_->value())));
        crossovers_->setValue(std::max(0, n - parents_->value() - mutations_->value()));
        remember();
    });
    for (QSpinBox* part : {parents_, mutations_, crossovers_}) {
        connect(part, &QSpinBox::valueChanged, this, [this] { rebalance(); });
    }
    for (QSpinBox* other : {generations_, seed_, threads_}) {
        connect(other, &QSpinBox::valueChanged, this, [this] { remember(); });
    }
    connect(start_, &QComboBox::currentIndexChanged, this, [this] { remember(); });
    connect(auto_, &QCheckBox::toggled, this, [this] { remember(); });
    connect(surrogate_, &QCheckBox::toggled, this, [this] { remember(); });
    connect(racing_, &QCheckBox::toggled, this, [this] { remember(); });
    connect(upper_, &QCheckBox::toggled, limit_, &LimitModel::setUseUpper);
    connect(limit_, &LimitModel::useUpperChanged, upper_, &QCheckBox::setChecked);
}

void SearchSettingsForm::restore() {
    // Everything is read before anything is set: setSettings() remembers the form as it then is,
    // which would overwrite the values not yet read.
    QSettings st;
    EvolutionSettings s;
    s.population = st.value("search/population", 40).toInt();
    s.parents = st.value("search/parents", 10).toInt();
    s.mutations = st.value("search/mutations", 15).toInt();
    s.crossovers = st.value("search/crossovers", 15).toInt();
    s.generations = st.value("search/generations", 10).toInt();
    s.seed = st.value("search/seed", 1).toULongLong();
    s.surrogatePool = st.value("search/surrogate", kDefaultSurrogatePool > 1).toBool() ? kSurrogatePool : 1;
    s.racing = st.value("search/racing", kDefaultRacing).toBool();
    const int threads = st.value("search/threads", 1).toInt();
    const bool cold = st.value("search/cold", false).toBool();
    const bool autoResearch = st.value("search/autoResearch", true).toBool();
    threads_->setValue(threads);
    start_->setCurrentIndex(cold ? 1 : 0);
    auto_->setChecked(autoResearch);
    setSettings(s);
}

void SearchSettingsForm::rebalance() {
    const QSignalBlocker block(population_);
    population_->setValue(parents_->value() + mutations_->value() + crossovers_->value());
    remember();
}

void SearchSettingsForm::remember() const {
    QSettings st;
    st.setValue("search/population", population_->value());
    st.setValue("search/parents", parents_->value());
    st.setValue("search/mutations", mutations_->value());
    st.setValue("search/crossovers", crossovers_->value());
    st.setValue("search/generations", generations_->value());
    st.setValue("search/seed", seed_->value());
    st.setValue("search/threads", threads_->value());
    st.setValue("search/cold", start_->currentIndex() == 1);
    st.setValue("search/autoResearch", auto_->isChecked());
    st.setValue("search/surrogate", surrogate_->isChecked());
    st.setValue("search/racing", racing_->isChecked());
}

EvolutionSettings SearchSettingsForm::settings() const {
    EvolutionSettings s;
    s.population = population_->value();
    s.parents = parents_->value();
    s.mutations = mutations_->value();
    s.crossovers = crossovers_->value();
    s.generations = generations_->value();
    s.seed = static_cast<uint64_t>(seed_->value());
    s.maxLatencyMs = limit_->value();
    s.constrainUpperBound = limit_->useUpper();
    s.surrogatePool = surrogate_->isChecked() ? kSurrogatePool : 1;
    s.racing = racing_->isChecked();
    return s;
}

void SearchSettingsForm::setSettings(const EvolutionSettings& s) {
    const QSignalBlocker a(population_), b(parents_), c(mutations_), d(crossovers_);
    population_->setValue(s.population);
    parents_->setValue(s.parents);
    mutations_->setValue(s.mutations);
    crossovers_->setValue(s.crossovers);
    generations_->setValue(s.generations);
    seed_->setValue(static_cast<int>(s.seed));
    {
        const QSignalBlocker e(surrogate_);
        surrogate_->setChecked(s.surrogatePool > 1);
    }
    {
        const QSignalBlocker e(racing_);
        racing_->setChecked(s.racing);
    }
    remember();
}

int SearchSettingsForm::threads() const { return threads_->value(); }
bool SearchSettingsForm::warm() const { return start_->currentIndex() == 0; }
bool SearchSettingsForm::autoResearch() const { return auto_->isChecked(); }
void SearchSettingsForm::setAutoResearch(bool on) { auto_->setChecked(on); }

}  // namespace hat::ui
