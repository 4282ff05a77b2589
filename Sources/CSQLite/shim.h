#ifndef NASD_CSQLITE_SHIM_H
#define NASD_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
