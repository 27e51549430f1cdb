/* physics page */
typedef int AC_STATUS;
struct SPageFilePhysics {
  int packetId;
  float gas;
  float velocity[3];
  float wheelSlip[4];
  float tyreContactPoint[4][3];
  wchar_t tyreCompound[33];
  unsigned long long stamp;
  AC_STATUS status;
  union { int asInt; float asFloat; } u;
  signed char gear;
  bool pitLimiter;
};
