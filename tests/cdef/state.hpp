/*
 * state.hpp -- a test header in the shape of a shared memory plugin's
 * mapped-state header (the structs a plugin copies its sim's internals
 * into): scoped enums, static_asserts against the SDK's own types, pointer
 * slots sized by #ifdef _AMD64_, buffer headers that hold only static
 * constants, public base classes, Class::CONSTANT array sizes, and
 * sizeof(decltype(Sdk::member)).  It needs plugin.hpp (include option).
 */
#pragma once
#include "plugin.hpp"

// Use 4 to match the sim's pack.
#pragma pack(push, 4)
#pragma warning(disable : 4121)   // alignment sensitivity

enum class StGamePhase
{
  Garage = 0,
  Warmup = 1,
  Green = 5,
  Over = 8
};

enum class StYellow
{
  Invalid = -1,
  NoFlag = 0,
  Pending = 1,
  LastLap = 5
};

enum class StLane
{
  Left = 0,
  Middle,
  Right,
  //------------------
  MaxLanes,
  //------------------
  Invalid = MaxLanes,            // currently invalid
  FreeChoice,
  //------------------
  Maximum
};

struct StVec3
{
  double x, y, z;
};
static_assert(sizeof(StVec3) == sizeof(SimVec3), "StVec3 and SimVec3 are out of sync");
#ifndef __GNUC__ // (the game's compiler has the type; the check's does not)
static_assert(sizeof(StVec3) == sizeof(NotDeclaredHere), "out of sync");
#endif

struct StScoring
{
  char mTrack[64];
  long mSession;
  double mNow;
  long  mMaxLaps;
  double mLapDist;
  // the sim's 'char *mStream' as bytes
#ifdef _AMD64_
  unsigned char pointer1[8];
#else
  unsigned char pointer1[4];
#endif
  long mCount;
  unsigned char mPhase;
  signed char mYellow;
  signed char mSectorFlags[3];
  bool mRealtime;
  char mPlayer[32];
  StVec3 mWind   ;
  unsigned char mExpansion[200];
#ifdef _AMD64_
  unsigned char pointer2[8];
#else
  unsigned char pointer2[4];
#endif
};
static_assert(sizeof(StScoring) > 300, "scoring is big");

struct StRulesAction
{
  StLane mLane;
  long mID;
  double mET;
};

struct StVersionBlock
{
  unsigned long mBegin;          // incremented before a write
  unsigned long mEnd;            // and after it
};

struct StBufferHeader
{
  static int const MAX_MAPPED_VEHICLES = 128;
};

struct StBufferHeaderWithSize : public StBufferHeader
{
  int mBytesUpdatedHint;
};

struct StTelemetry : public StBufferHeaderWithSize
{
  long mNumVehicles;
  CarTelemV01 mVehicles[StBufferHeader::MAX_MAPPED_VEHICLES];
};

struct StScoringBuffer : public StBufferHeaderWithSize
{
  StScoring mInfo;
  StRulesAction mActions[StBufferHeader::MAX_MAPPED_VEHICLES];
};

struct StGraphics : public StBufferHeader
{
  ViewInfoV02 mView;
};

struct StExtended : public StBufferHeader
{
  static int const MAX_MAPPED_IDS = 16;
  static int const MAX_STATUS_MSG_LEN = 128;

  char mVersion[12];
  bool is64bit;
  double mDamage[StExtended::MAX_MAPPED_IDS];
  bool mSessionStarted;
  ULONGLONG mTicksSessionStarted;
  char mMessageCapture[sizeof(decltype(MessageV01::mText))];
  ULONGLONG mTicksStatus;
  char mStatusMessage[StExtended::MAX_STATUS_MSG_LEN];
  float mPitSpeedLimit;
  bool mPluginEnabled;
  long mPluginType;
};

struct StInputHeader : public StBufferHeader
{
  long mLayoutVersion;
};

struct StHWControl : public StInputHeader
{
  static int const MAX_NAME_LEN = 96;
  static long const SUPPORTED_LAYOUT_VERSION = 1L;

  char mControlName[StHWControl::MAX_NAME_LEN];
  double mfRetVal;
};

#pragma pack(pop)
