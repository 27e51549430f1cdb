// f1.hpp -- a test header in the shape of UDP telemetry packet structs as
// sim fans write them from a packet specification (C++): a namespace,
// constexpr sizes, #pragma pack(push, 1), std::array members (several
// declarators on one line), Codemasters-style uint8/int8/uint16 names,
// enum class : uint8_t, a header struct used by value.
#ifndef TEST_F1_HPP
#define TEST_F1_HPP

#include <array>
#include <cstdint>

typedef uint8_t uint8;
typedef int8_t int8;
typedef uint16_t uint16;
typedef int16_t int16;
typedef uint32_t uint32;
typedef uint64_t uint64;

namespace Telem {

constexpr int CAR_COUNT = 22;

enum class PacketId : uint8_t { Motion = 0, Session = 1, LapData = 2, CarTelemetry = 6 };

#pragma pack(push, 1)
struct PacketHeader {
    uint16 m_packetFormat;           // 2023
    uint8 m_gameYear;
    uint8 m_gameMajorVersion;        // X.00
    uint8 m_gameMinorVersion;        // 1.XX
    uint8 m_packetVersion;
    PacketId m_packetId;
    uint64 m_sessionUID;
    float m_sessionTime;
    uint32 m_frameIdentifier;
    uint8 m_playerCarIndex;
    uint8 m_secondaryPlayerCarIndex;
};

struct CarMotionData {
    float m_worldPositionX, m_worldPositionY, m_worldPositionZ;
    float m_worldVelocityX, m_worldVelocityY, m_worldVelocityZ;
    int16 m_worldForwardDirX, m_worldForwardDirY, m_worldForwardDirZ;
    float m_gForceLateral, m_gForceLongitudinal, m_gForceVertical;
    float m_yaw, m_pitch, m_roll;
};

struct PacketMotionData {
    PacketHeader m_header;
    std::array<CarMotionData, CAR_COUNT> m_carMotionData;
    // the player car only: RL, RR, FL, FR
    std::array<float, 4> m_suspensionPosition, m_suspensionVelocity;
    std::array<std::array<int8, 2>, 4> m_wheelPairs;
    float m_localVelocityX;
};

struct CarTelemetryData {
    uint16 m_speed;
    float m_throttle;
    int8 m_gear;
    uint16 m_engineRPM;
    uint8 m_drs;
    std::array<uint16, 4> m_brakesTemperature;
    std::array<float, 4> m_tyresPressure;
};

struct PacketCarTelemetryData {
    PacketHeader m_header;
    CarTelemetryData m_carTelemetryData[CAR_COUNT];
    uint8 m_mfdPanelIndex;
    int8 m_suggestedGear;
};
#pragma pack(pop)

} // namespace Telem

#endif
