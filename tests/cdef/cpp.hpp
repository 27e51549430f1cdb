/*
 * cpp.hpp -- a test header in the C++ spelling of game SDKs (rFactor 2's
 * plugin headers are C++): tags used as type names, enum class with an
 * underlying type, bool, alignas, static constexpr members, using
 * aliases, namespaces and extern "C" blocks, access specifiers.
 */
#pragma once
#include <cstdint>

namespace game {

constexpr int kMaxVehicles = 4;
static const unsigned kNameLength = 32;

enum class rF2GamePhase : uint8_t {
  Garage = 0,
  WarmUp = 1,
  GridWalk = 2,
  Formation = 3,
  Countdown = 4,
  GreenFlag = 5,
  FullCourseYellow = 6,
  SessionStopped = 7,
  SessionOver = 8,
  PausedOrHeartbeat = 9
};

enum class Wide : int64_t { Low = -1, High = 1LL << 40 };
enum struct Plain16 : unsigned short { A, B };
enum Unscoped { U_ZERO, U_ONE };

struct rF2Vec3 {
  double x, y, z;
};

struct Outer {
  struct Inner { short a; int b; };
  Inner first;
  char c;
};

struct alignas(16) Quat {
  float w, x, y, z;
};

struct rF2VehicleScoring {
public:
  static constexpr int kSlots = 2;
  long mID;
  char mDriverName[kNameLength];
  rF2Vec3 mPos;                       // the tag alone names the type
  rF2GamePhase mPhase;
  bool mIsPlayer;
  alignas(8) bool mInPits;
  Wide mWide;
  Plain16 mSmall;
  Quat mRot;
  unsigned char mSlots[kSlots][3];
  char16_t mUtf16[5];
  char32_t mUtf32[3];
  wchar_t mWideName[7];
public:
  unsigned char mExpansion[kMaxVehicles * 8];
};

using Real = double;
typedef rF2VehicleScoring Scoring;

extern "C" {
struct rF2ScoringInfo {
  Real mCurrentET;
  long mNumVehicles;
  uint8_t mGamePhase;
  Scoring mVehicles[kMaxVehicles];
  Outer::Inner mInner;
  game::rF2Vec3 mOrigin;
};
}

using Inner = Outer::Inner;   // the name shm.cdef gives it, in C++ too

static_assert(sizeof(rF2GamePhase) == 1, "one byte");
static_assert(sizeof(Quat) == 16, "quat");

}  // namespace game

using namespace game;
