#pragma once
/*
 * acc.hpp -- a test header in the shape of a sim's shared memory pages as
 * published (C++): a scoped enum with an underlying type and a trailing
 * comma, then #defines with the names of its members; typedef'd int
 * states; a bare #pragma pack(4) after push; default member initializers
 * of every form (= 0, = 0.0f, = AC_OFF, = -273, {0}, {}, = {...}, a
 * scoped enumerator); a static const float; wchar_t strings.
 */

enum class Penalty : int {
    None,
    DriveThrough_Cutting,
    StopAndGo_10_Cutting,

    DriveThrough_PitSpeeding,
    Disqualified_PitSpeeding,

    Disqualified_ExceededDriverStintLimit,
};

typedef int PENALTY_SHORTCUT;
#define NONE 0
#define DriveThrough_Cutting 1
#define StopAndGo_10_Cutting 2
#define DriveThrough_PitSpeeding 3
#define Disqualified_PitSpeeding 4
#define Disqualified_ExceededDriverStintLimit 5

typedef int AC_STATUS;

#define AC_OFF 0
#define AC_REPLAY 1
#define AC_LIVE 2
#define AC_PAUSE 3

typedef int AC_SESSION_TYPE;

#define AC_UNKNOWN -1
#define AC_PRACTICE 0
#define AC_RACE 2

typedef int AC_FLAG_TYPE;

#define AC_NO_FLAG 0
#define AC_BLUE_FLAG 1

#pragma pack(push)
#pragma pack(4)

struct SPagePhysics
{
    int packetId = 0;
    float gas = 0;
    float brake = 0;
    float fuel = 0;
    int gear = 0;
    int rpms = 0;
    float steerAngle = 0;
    float velocity[3];
    float accG[3];
    float wheelSlip[4];
    float drs = 0;
    float tc{0};
    float heading{};
    float cgHeight;
    float carDamage[5];
    int numberOfTyresOut = 0;
    float abs = 0;

//    float kersCharge = 0;
//    float rideHeight[2];

    int autoShifterOn = 0;
    float airTemp = 0;
    float roadTemp = 0;
    float localAngularVel[3] = {0, 0, 0};
    float finalFF = 0;
    float tyreContactPoint[4][3];
    float brakeBias = 0;
    float deprecated_1 = -273;
    double kerbVibration = 0.0;
    float slipVibrations = 0.0f;
    int isEngineRunning = 0;
};

struct SPageGraphic
{
    int packetId = 0;
    AC_STATUS status = AC_OFF;
    AC_SESSION_TYPE session = AC_PRACTICE;
    wchar_t currentTime[15];
    wchar_t lastTime[15];
    int completedLaps = 0;
    int position = 0;
    float sessionTimeLeft = 0;
    wchar_t tyreCompound[33];
    float normalizedCarPosition = 0;
    int activeCars = 0;
    float carCoordinates[60][3];
    int carID[60];
    float penaltyTime = 0;

    // flag and penalty currently not working
    AC_FLAG_TYPE flag;
    PENALTY_SHORTCUT penalty;
    Penalty penaltyKind = Penalty::None;
    int idealLineOn = 0;
    float exhaustTemperature = 0.0f;
    int wiperLV = 0;
    wchar_t deltaLapTime[15];
    int iDeltaLapTime = 0;
    wchar_t estimatedLapTime [15];
    float fuelEstimatedLaps = 0;
    wchar_t trackStatus[33];
    int missingMandatoryPits = 0;
    float Clock = 0;
    int gapAhead = 0;
    int gapBehind = 0;
};

struct SPageStatic
{
    static const float kVersion;
    static constexpr float kScale = 1.5f;
    wchar_t smVersion[15];
    wchar_t acVersion[15];

    // session static info
    int numberOfSessions = 0;
    int numCars = 0;
    wchar_t carModel[33];
    wchar_t track[33];
    int sectorCount = 0;

    // car static info
    int	maxRpm = 0;
    float maxFuel = 0;
    int penaltiesEnabled = 0;
    float aidFuelRate = 0;
    int aidAutoBlip = 0; //always true

    int PitWindowStart = 0;
    int PitWindowEnd = 0;
    int isOnline = 0;
    wchar_t dryTyresName[33];
    wchar_t wetTyresName[33];
};

#pragma pack(pop)
