/*
 * rf2.h -- a test header shaped like rFactor 2's shared memory plugin:
 * #pragma pack(push, 4) around records of doubles, so a double follows a
 * 'long' (4 bytes on Windows) at a 4-byte offset; unsigned char flags;
 * version counters around a big array.  (The C spelling: each struct is
 * also a typedef; tests/cdef/cpp.hpp has the C++ spelling.)
 */
#ifndef TEST_RF2_H
#define TEST_RF2_H

#define MM_TELEMETRY_FILE_NAME "$rFactor2SMMP_Telemetry$"
#define MAX_MAPPED_VEHICLES 128
#define MAX_MAPPED_IDS 512

#pragma pack(push, 4)

typedef struct rF2Vec3 {
  double x, y, z;
} rF2Vec3;

typedef struct rF2Wheel {
  double mSuspensionDeflection;
  double mRideHeight;
  double mSuspForce;
  double mBrakeTemp;
  double mBrakePressure;
  double mRotation;
  double mLateralPatchVel;
  double mLongitudinalPatchVel;
  double mLateralGroundVel;
  double mLongitudinalGroundVel;
  double mCamber;
  double mLateralForce;
  double mLongitudinalForce;
  double mTireLoad;
  double mGripFract;
  double mPressure;
  double mTemperature[3];     /* left, center, right */
  double mWear;
  char mTerrainName[16];
  unsigned char mSurfaceType;
  unsigned char mFlat;
  unsigned char mDetached;
  unsigned char mStaticUndeflectedRadius;
  double mVerticalTireDeflection;   /* offset 180: 4-byte aligned */
  double mWheelYLocation;
  double mToe;
  double mTireCarcassTemperature;
  double mTireInnerLayerTemperature[3];
  unsigned char mExpansion[24];
} rF2Wheel;

typedef struct rF2VehicleTelemetry {
  long mID;                   /* 4 bytes on Windows */
  double mDeltaTime;          /* offset 4 under pack(4) */
  double mElapsedTime;
  long mLapNumber;
  double mLapStartET;
  char mVehicleName[64];
  char mTrackName[64];
  rF2Vec3 mPos;
  rF2Vec3 mLocalVel;
  rF2Vec3 mLocalAccel;
  rF2Vec3 mOri[3];
  rF2Vec3 mLocalRot;
  rF2Vec3 mLocalRotAccel;
  long mGear;
  double mEngineRPM;
  double mEngineWaterTemp;
  double mEngineOilTemp;
  double mClutchRPM;
  double mUnfilteredThrottle;
  double mUnfilteredBrake;
  double mUnfilteredSteering;
  double mUnfilteredClutch;
  double mFilteredThrottle;
  double mFilteredBrake;
  double mFilteredSteering;
  double mFilteredClutch;
  double mSteeringShaftTorque;
  double mFront3rdDeflection;
  double mRear3rdDeflection;
  double mFrontWingHeight;
  double mFrontRideHeight;
  double mRearRideHeight;
  double mDrag;
  double mFrontDownforce;
  double mRearDownforce;
  double mFuel;
  double mEngineMaxRPM;
  unsigned char mScheduledStops;
  unsigned char mOverheating;
  unsigned char mDetached;
  unsigned char mHeadlights;
  unsigned char mDentSeverity[8];
  double mLastImpactET;
  double mLastImpactMagnitude;
  rF2Vec3 mLastImpactPos;
  double mEngineTorque;
  long mCurrentSector;
  unsigned char mSpeedLimiter;
  unsigned char mMaxGears;
  unsigned char mFrontTireCompoundIndex;
  unsigned char mRearTireCompoundIndex;
  double mFuelCapacity;
  unsigned char mFrontFlapActivated;
  unsigned char mRearFlapActivated;
  unsigned char mRearFlapLegalStatus;
  unsigned char mIgnitionStarter;
  char mFrontTireCompoundName[18];
  char mRearTireCompoundName[18];
  unsigned char mSpeedLimiterAvailable;
  unsigned char mAntiStallActivated;
  unsigned char mUnused[2];
  float mVisualSteeringWheelRange;
  double mRearBrakeBias;
  double mTurboBoostPressure;
  float mPhysicsToGraphicsOffset[3];
  float mPhysicalSteeringWheelRange;
  unsigned char mExpansion[152];
  rF2Wheel mWheels[4];
} rF2VehicleTelemetry;

typedef struct rF2Telemetry {
  unsigned long mVersionUpdateBegin;  /* incremented before writing */
  unsigned long mVersionUpdateEnd;    /* incremented after writing */
  int mBytesUpdatedHint;
  long mNumVehicles;
  rF2VehicleTelemetry mVehicles[MAX_MAPPED_VEHICLES];
} rF2Telemetry;

#pragma pack(pop)

/* Outside the pack: natural alignment again. */
typedef struct rF2MappedBufferVersionBlock {
  unsigned long mVersionUpdateBegin;
  unsigned long mVersionUpdateEnd;
} rF2MappedBufferVersionBlock;

typedef struct rF2MappedBufferHeader {
  int mCurrentRead;
  double mStamp;
} rF2MappedBufferHeader;

#endif
