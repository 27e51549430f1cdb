/*
 * pcars2.h -- a test header shaped like Project CARS 2's shared memory:
 * natural alignment, bools between floats and unsigned ints (padding),
 * an array of participant records, string arrays, #define'd sizes.
 */
#ifndef TEST_PCARS2_H
#define TEST_PCARS2_H

#include <stdbool.h>

#define SHARED_MEMORY_VERSION   9
#define STRING_LENGTH_MAX       64
#define STORED_PARTICIPANTS_MAX 64
#define TYRE_COMPOUND_NAME_LENGTH_MAX 40

/* Tyres */
enum {
  TYRE_FRONT_LEFT = 0,
  TYRE_FRONT_RIGHT,
  TYRE_REAR_LEFT,
  TYRE_REAR_RIGHT,
  TYRE_MAX
};

/* Vector */
enum { VEC_X = 0, VEC_Y, VEC_Z, VEC_MAX };

/* Game state */
enum {
  GAME_EXITED = 0,
  GAME_FRONT_END,
  GAME_INGAME_PLAYING,
  GAME_INGAME_PAUSED,
  GAME_INGAME_INMENU_TIME_TICKING,
  GAME_INGAME_RESTARTING,
  GAME_INGAME_REPLAY,
  GAME_FRONT_END_REPLAY,
  GAME_MAX
};

typedef struct {
  bool mIsActive;
  char mName[STRING_LENGTH_MAX];          /* after one bool: offset 1 */
  float mWorldPosition[VEC_MAX];          /* padded to 68 */
  float mCurrentLapDistance;
  unsigned int mRacePosition;
  unsigned int mLapsCompleted;
  unsigned int mCurrentLap;
  int mCurrentSector;
} ParticipantInfo;

typedef struct {
  unsigned int mVersion;
  unsigned int mBuildVersionNumber;
  unsigned int mGameState;
  unsigned int mSessionState;
  unsigned int mRaceState;
  int mViewedParticipantIndex;
  int mNumParticipants;
  ParticipantInfo mParticipantInfo[STORED_PARTICIPANTS_MAX];
  float mUnfilteredThrottle;
  float mUnfilteredBrake;
  float mUnfilteredSteering;
  float mUnfilteredClutch;
  char mCarName[STRING_LENGTH_MAX];
  char mCarClassName[STRING_LENGTH_MAX];
  unsigned int mLapsInEvent;
  char mTrackLocation[STRING_LENGTH_MAX];
  char mTrackVariation[STRING_LENGTH_MAX];
  float mTrackLength;
  int mNumSectors;
  bool mLapInvalidated;                   /* bool, then floats */
  float mBestLapTime;
  float mLastLapTime;
  float mCurrentTime;
  float mSplitTimeAhead;
  float mSplitTimeBehind;
  float mSplitTime;
  float mEventTimeRemaining;
  float mPersonalFastestLapTime;
  float mWorldFastestLapTime;
  float mCurrentSector1Time;
  float mCurrentSector2Time;
  float mCurrentSector3Time;
  unsigned int mHighestFlagColour;
  unsigned int mHighestFlagReason;
  unsigned int mPitMode;
  unsigned int mPitSchedule;
  unsigned int mCarFlags;
  float mOilTempCelsius;
  float mOilPressureKPa;
  float mWaterTempCelsius;
  float mWaterPressureKPa;
  float mFuelPressureKPa;
  float mFuelLevel;
  float mFuelCapacity;
  float mSpeed;
  float mRpm;
  float mMaxRPM;
  float mBrake;
  float mThrottle;
  float mClutch;
  float mSteering;
  int mGear;
  int mNumGears;
  float mOdometerKM;
  bool mAntiLockActive;                   /* two bools in a row */
  bool mBoostActive;
  int mLastOpponentCollisionIndex;
  float mLastOpponentCollisionMagnitude;
  float mBoostAmount;
  float mOrientation[VEC_MAX];
  float mLocalVelocity[VEC_MAX];
  float mWorldVelocity[VEC_MAX];
  float mAngularVelocity[VEC_MAX];
  float mLocalAcceleration[VEC_MAX];
  float mWorldAcceleration[VEC_MAX];
  float mExtentsCentre[VEC_MAX];
  unsigned int mTyreFlags[TYRE_MAX];
  unsigned int mTerrain[TYRE_MAX];
  float mTyreY[TYRE_MAX];
  float mTyreRPS[TYRE_MAX];
  float mTyreTemp[TYRE_MAX];
  char mTyreCompound[TYRE_MAX][TYRE_COMPOUND_NAME_LENGTH_MAX];
  float mBrakeDamage[TYRE_MAX];
  float mSuspensionDamage[TYRE_MAX];
  float mBrakeTempCelsius[TYRE_MAX];
  unsigned int mCrashState;
  float mAeroDamage;
  float mEngineDamage;
  unsigned int mSequenceNumber;           /* odd while the game writes */
  float mWheelLocalPositionY[TYRE_MAX];
  float mSuspensionTravel[TYRE_MAX];
  bool mRaceStates[STORED_PARTICIPANTS_MAX];   /* bool array, then floats */
  float mFastestLapTimes[STORED_PARTICIPANTS_MAX];
  unsigned int mPitModes[STORED_PARTICIPANTS_MAX];
  char mCarNames[STORED_PARTICIPANTS_MAX][STRING_LENGTH_MAX];
  bool mSessionAdditionalLaps;
  unsigned int mEnforcedPitStopLap;
  int mTranslatedTrackLocation;
  unsigned int mBrakeBias;
} SharedMemory;

#endif
