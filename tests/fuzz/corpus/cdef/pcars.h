#include <stdint.h>
#define NAME_LEN 64
enum { STORED_PARTICIPANTS_MAX = 64 };
typedef struct {
  bool mIsActive;
  char mName[NAME_LEN];
  float mWorldPosition[3];
  int32_t mCurrentLap;
} ParticipantInfo;
typedef struct {
  unsigned int mVersion;
  volatile unsigned int mSequenceNumber;
  ParticipantInfo mParticipantInfo[STORED_PARTICIPANTS_MAX];
  char16_t mTrackName[NAME_LEN];
  char32_t mWide[4];
  uint64_t mMask : 3;
  const int *mPointer;
} SharedMemory;
