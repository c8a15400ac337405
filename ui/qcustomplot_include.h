#pragma once
// qcustomplot.h is written with Qt's lower-case keywords (signals, slots, emit, foreach), which
// this build turns off (QT_NO_KEYWORDS, because LibTorch uses those names). Spell them for this
// one header only, then take them away again so they cannot leak into torch-including TUs.
#if defined(signals) || defined(slots) || defined(emit) || defined(foreach)
#include <qcustomplot.h>
#else
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#endif
