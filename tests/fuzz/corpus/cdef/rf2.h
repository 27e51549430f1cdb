#pragma pack(push, 4)
typedef struct rF2Vec3 { double x, y, z; } rF2Vec3;
struct rF2Wheel {
  double mSuspensionDeflection;
  double mRideHeight;
  unsigned char mDetached;
  float mTemperature[3];
  char mTerrainName[16];
  unsigned char mExpansion[24];
};
typedef struct rF2VehicleTelemetry {
  long mID;
  double mDeltaTime;
  char mVehicleName[64];
  rF2Vec3 mPos;
  struct rF2Wheel mWheels[4];
  wchar_t mDriver[32];
} rF2VehicleTelemetry;
#pragma pack(pop)
