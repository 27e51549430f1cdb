/*
 * irsdk.hpp -- a test header in the shape of a sim SDK's "defines" header
 * as published (C++): tchar.h strings as static const _TCHAR arrays in
 * _T(), static const int and float constants, a static const array with
 * an aggregate initializer, flag enums (one above 0x7fffffff, trailing
 * commas), structs with a member function, time_t, and the client
 * function prototypes, overloaded.
 */
#ifndef TEST_IRSDK_HPP
#define TEST_IRSDK_HPP

// Constant Definitions

#include <tchar.h>

static const _TCHAR SDK_DATAVALIDEVENTNAME[] = _T("Local\\SDKDataValidEvent");
static const _TCHAR SDK_MEMMAPFILENAME[]     = _T("Local\\SDKMemMapFileName");
static const _TCHAR SDK_BROADCASTMSGNAME[]   = _T("SDK_BROADCASTMSG");

static const int SDK_MAX_BUFS = 4;
static const int SDK_MAX_STRING = 32;
// descriptions can be longer than max_string!
static const int SDK_MAX_DESC = 64;

static const int SDK_UNLIMITED_LAPS = 32767;
static const float SDK_UNLIMITED_TIME = 604800.0f;
static const double SDK_TICK = 1.0 / 60;

enum sdk_StatusField
{
	sdk_stConnected   = 1
};

enum sdk_VarType
{
	// 1 byte
	sdk_char = 0,
	sdk_bool,

	// 4 bytes
	sdk_int,
	sdk_bitField,
	sdk_float,

	// 8 bytes
	sdk_double,

	//index, don't use
	sdk_ETCount
};

static const int sdk_VarTypeBytes[sdk_ETCount] =
{
	1,		// sdk_char
	1,		// sdk_bool

	4,		// sdk_int
	4,		// sdk_bitField
	4,		// sdk_float

	8		// sdk_double
};

enum sdk_Flags
{
	sdk_checkered			= 0x00000001,
	sdk_white				= 0x00000002,
	sdk_black				= 0x00010000,
	sdk_startGo				= 0x80000000,
};

enum sdk_TrkLoc
{
	sdk_NotInWorld = -1,
	sdk_OffTrack,
	sdk_InPitStall,
	sdk_OnTrack
};

struct sdk_varHeader
{
	int type;			// sdk_VarType
	int offset;			// offset from the start of a buffer row
	int count;			// number of entries (array)
	bool countAsTime;
	char pad[3];		// (16 byte align)

	char name[SDK_MAX_STRING];
	char desc[SDK_MAX_DESC];
	char unit[SDK_MAX_STRING];	// something like "kg/m^2"

	void clear()
	{
		type = 0;
		offset = 0;
		count = 0;
		countAsTime = false;
		memset(name, 0, sizeof(name));
		memset(desc, 0, sizeof(desc));
		memset(unit, 0, sizeof(unit));
	}
};

struct sdk_varBuf
{
	int tickCount;		// used to detect changes in data
	int bufOffset;		// offset from header
	int pad[2];			// (16 byte align)
};

struct sdk_header
{
	int ver;
	int status;
	int tickRate;

	int sessionInfoUpdate;
	int sessionInfoLen;
	int sessionInfoOffset;

	int numVars;
	int varHeaderOffset;

	int numBuf;
	int bufLen;
	int pad1[2];
	sdk_varBuf varBuf[SDK_MAX_BUFS];
};

// sub header used when writing telemetry to disk
struct sdk_diskSubHeader
{
	time_t sessionStartDate;
	double sessionStartTime;
	double sessionEndTime;
	int sessionLapCount;
	int sessionRecordCount;
};

//----
// Client function definitions

bool sdk_startup();
void sdk_shutdown();

bool sdk_getNewData(char *data);
bool sdk_waitForDataReady(int timeOut, char *data);

const sdk_header *sdk_getHeader();
const char *sdk_getData(int index);
const sdk_varHeader *sdk_getVarHeaderEntry(int index);

int sdk_varNameToIndex(const char *name);

enum sdk_BroadcastMsg
{
	sdk_BroadcastCamSwitchPos = 0,      // car position, group, camera
	sdk_BroadcastCamSwitchNum,	      // driver #, group, camera
	sdk_BroadcastLast                   // unused placeholder
};

// var1, var2, and var3 are all 16 bits signed
void sdk_broadcastMsg(sdk_BroadcastMsg msg, int var1, int var2, int var3);
// var2 can be a full 32 bits
void sdk_broadcastMsg(sdk_BroadcastMsg msg, int var1, int var2);
// var2 can be a full 32 bit float
void sdk_broadcastMsg(sdk_BroadcastMsg msg, int var1, float var2);

int sdk_padCarNum(int num, int zero);

#endif //TEST_IRSDK_HPP
