/*
 * iracing.h -- a test header shaped like iRacing's SDK: plain ints,
 * hand-written padding ("pad" members), 16-byte buffer records checked by
 * a static assertion, enum constants and #define'd sizes.
 */
#ifndef TEST_IRSDK_H
#define TEST_IRSDK_H

#include <stdbool.h>

#define IRSDK_DATAVALIDEVENTNAME  "Local\\IRSDKDataValidEvent"
#define IRSDK_MEMMAPFILENAME      "Local\\IRSDKMemMapFileName"
#define IRSDK_BROADCASTMSGNAME    "IRSDK_BROADCASTMSG"

#define IRSDK_MAX_BUFS   4
#define IRSDK_MAX_STRING 32
#define IRSDK_MAX_DESC   64         /* descriptions are longer */
#define IRSDK_UNLIMITED_LAPS 32767
#define IRSDK_VER        2

enum irsdk_StatusField {
  irsdk_stConnected = 1
};

enum irsdk_VarType {
  irsdk_char = 0,
  irsdk_bool,
  irsdk_int,
  irsdk_bitField,
  irsdk_float,
  irsdk_double,
  irsdk_ETCount           /* the number of types */
};

enum irsdk_EngineWarnings {
  irsdk_waterTempWarning    = 0x01,
  irsdk_fuelPressureWarning = 0x02,
  irsdk_oilPressureWarning  = 0x04,
  irsdk_engineStalled       = 0x08,
  irsdk_pitSpeedLimiter     = 0x10,
  irsdk_revLimiterActive    = 0x20,
  irsdk_oilTempWarning      = 0x40
};

struct irsdk_varHeader {
  int type;                 /* irsdk_VarType */
  int offset;               /* from the start of a buffer row */
  int count;                /* an array when > 1 */
  bool countAsTime;
  char pad[3];              /* 16-byte alignment by hand */
  char name[IRSDK_MAX_STRING];
  char desc[IRSDK_MAX_DESC];
  char unit[IRSDK_MAX_STRING];
};

struct irsdk_varBuf {
  int tickCount;            /* used to detect changes */
  int bufOffset;
  int pad[2];               /* 16-byte record */
};

_Static_assert(sizeof(struct irsdk_varBuf) == 16, "varBuf records are 16 bytes");
_Static_assert(sizeof(struct irsdk_varHeader) % 16 == 0, "varHeader records are 16-byte multiples");

struct irsdk_header {
  int ver;
  int status;               /* irsdk_StatusField */
  int tickRate;
  int sessionInfoUpdate;
  int sessionInfoLen;
  int sessionInfoOffset;
  int numVars;
  int varHeaderOffset;
  int numBuf;
  int bufLen;
  int pad1[2];
  struct irsdk_varBuf varBuf[IRSDK_MAX_BUFS];
};

struct irsdk_diskSubHeader {
  long long sessionStartDate;      /* time_t */
  double sessionStartTime;
  double sessionEndTime;
  int sessionLapCount;
  int sessionRecordCount;
};

#endif
