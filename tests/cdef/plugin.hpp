//=============================================================================
// plugin.hpp -- a test header in the shape of an internals-plugin SDK as a
// racing sim publishes it (C++, compiled by the game's own toolchain): a
// pack(4) region, math structs with member functions and operators, an
// anonymous union, a constructor, a plugin base class with a private pointer
// member, classes with virtual functions, enums whose members refer to
// earlier ones, a window handle, and __cdecl function pointer typedefs.
// Comments hold bytes that are not UTF-8: мно (Latin-1 box drawing).
//=============================================================================
#ifndef TEST_PLUGIN_HPP
#define TEST_PLUGIN_HPP

#include "plugobj.hpp"          // the plugin object base class
#include <cmath>                // sqrt()
#include <windows.h>            // HWND

#pragma pack( push, 4 )

struct SimVec3
{
  union
  {
    struct
    {
      double x, y, z;
    };
    double v[3];
  };

  void Set( const double a, const double b, const double c ) { x = a; y = b; z = c; }
        double &operator[]( long i )       { return( v[ i ] ); }
  const double &operator[]( long i ) const { return( v[ i ] ); }
  double Length() const { return sqrt( x * x + y * y + z * z ); }
};

struct SimQuat
{
  double w, x, y, z;

  // a long body, with braces and brackets in it (and in a string: "}")
  void ToMatrix( SimVec3 m[3] ) const
  {
    const double x2 = x + x, y2 = y + y, z2 = z + z;
    if( x2 > 0.5f ) { m[0][0] = 1.0 - ( y * y2 + z * z2 ); }
    else            { m[0][0] = (double) 1.0; const char *s = "}{"; (void) s; }
    m[1][1] = 1.0 - ( x * x2 + z * z2 );
    m[2][2] = 1.0 - ( x * x2 + y * y2 );
  }
};

struct TyreV01
{
  double mDeflection;
  double mRideHeight;
  double mLoad;
  double mTemperature[ 3 ];     // inner, middle, outer
  char mSurfaceName[ 16 ];
  unsigned char mSurfaceKind;
  bool mFlat;
  bool mDetached;
  unsigned char mRadiusCm;
  double mCarcassTemp;          // at offset 4 modulo 8 under pack(4)
  unsigned char mSpare[ 24 ];
};

struct CarTelemV01
{
  long mSlot;                   // 4 bytes under Windows
  double mDelta;
  double mClock;
  long mLap;
  double mLapStart;
  char mCarName[ 64 ];
  SimVec3 mPos;
  SimVec3 mOri[ 3 ];
  long mGear;
  double mRpm;
  unsigned char mDents[ 8 ];
  double mImpactTime;
  unsigned long long mSteamId;  // 8 bytes, 4-aligned here
  unsigned char mSpare[ 111 - 8 ];
  TyreV01 mTyre[ 4 ];
};

struct ViewInfoV01
{
  SimVec3 mCamPos;
  SimVec3 mCamOri[ 3 ];
  HWND mWindow;                 // a pointer's size
  double mLight[ 3 ];
};

struct ViewInfoV02 : public ViewInfoV01
{
  long mSlot;
  long mCamKind;
  unsigned char mSpare[ 128 ];
};

struct MessageV01
{
  char mText[ 128 ];
  unsigned char mTarget;
  unsigned char mTranslate;
  unsigned char mSpare[ 126 ];
};

struct StandingV01
{
  char mTrack[ 64 ];
  long mSession;
  double mNow;
  char *mStream;                // a pointer in the middle: 4 or 8 bytes
  long mCount;
  unsigned char mPhase;
  signed char mYellow;
  signed char mSectorFlags[ 3 ];
  bool mRealtime;
  unsigned short mPort;
  unsigned long mAddress;
  const char *mPaths[ 4 ];
  void *mDevice;
  struct CarTelemV01 *mCars;
};

struct CommentV01
{
  char mEvent[ 32 ];
  double mValue;
  bool mForce;

  // a constructor (for the unwary: it sets everything)
  CommentV01()                  { mEvent[0] = 0; mValue = 0.0; mForce = false; }
};

enum LaneV01
{
  LANE_LEFT = 0,
  LANE_MIDDLE,
  LANE_RIGHT,
  //------------------
  LANE_COUNT,
  //------------------
  LANE_INVALID = LANE_COUNT,
  LANE_FREE,
  LANE_PENDING,
  //------------------
  LANE_MAX
};

enum class SessionPhase
{
  Garage = 0,
  Warmup,
  Green = 5,
  Count,
  //------------------
  Invalid = Count,            // a member refers to one before it
  Last = Invalid + 1
};

struct RulesV01
{
  double mNow;
  LaneV01 mPole;
  long mActions;
  StandingV01 *mStanding;
  bool mYellow;
  unsigned char mOverride;
  signed char mState;
  short mLaps;
  char mMessage[ 96 ];
  unsigned char mSpare[ 256 ];
};

//-----------------------------------------------------------------------------
// Plugin classes: virtual functions, hence a vtable pointer first.

class InternalsPlugin : public PluginObject
{
 public:
  InternalsPlugin() {}
  virtual ~InternalsPlugin() {}

  virtual void Startup( long version ) {}
  virtual void Shutdown() {}
  virtual bool WantsTelemetry() { return( false ); }
  virtual void Telemetry( const CarTelemV01 &info ) {}
  virtual bool CheckControl( const char * const name, double &value ) { return false; }
  virtual void Hardware( const double dt ) { mElapsed += dt; }
  virtual void Enable() { mEnabled = true; }

  float mElapsed;               // (public data of the sample plugin)

 private:
  bool mEnabled;
};

class InternalsPluginV01 : public InternalsPlugin   // the same as the original
{
};

class InternalsPluginV02 : public InternalsPluginV01
{
 public:
  virtual void SetView( ViewInfoV02 &info ) {}
  virtual unsigned char WantsView( ViewInfoV01 &info ) { return( 0 ); }
};

#pragma pack( pop )

#endif // TEST_PLUGIN_HPP
