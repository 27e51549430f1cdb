#pragma once
#include "plugin.hpp"
/*
 * lmu.hpp -- a test header in the shape of a sim's own shared memory
 * interface (one mapping that holds the SDK's structs): an enum with an
 * underlying type, a lock class whose member functions have #ifdef'ed
 * bodies, a static function returning a template, a move constructor with
 * an initializer list, operator=, '= default', a private struct in an
 * #ifdef, members with initializers, size_t, MAX_PATH from windows.h,
 * Enum::MEMBER as an array size and a static free function with a body.
 * Windows only (the #else branch needs a header that is not there).

int main(int argc, char* argv[])      (a usage example, in a comment)
{
    auto lock = SharedLock::Make();
    if (!lock.has_value()) { return 1; }
}
*/

#ifdef _WIN32
#include <windows.h>
#else
#include "linuxmock.h"
#endif
#include <optional>
#include <utility>
#include <cstring>

#define SM_FILE "LMU_Test_Data"
#define SM_EVENT "LMU_Test_Event"
enum SmEvent : uint32_t {
    SME_ENTER,
    SME_EXIT,
    SME_STARTUP,
    SME_UPDATE_SCORING,
    SME_UPDATE_TELEMETRY,
    SME_MAX
};

class SharedLock {
public:
    static std::optional<SharedLock> Make() {
#ifdef _WIN32
        SharedLock lock;
        if (lock.Init()) {
            return std::move(lock);
        }
#endif
        return std::nullopt;
    }
    bool Lock(DWORD ms = 0xFFFFFFFF) {
#ifdef _WIN32
        for (int spins = 0; spins < 4000; ++spins) {
            if (InterlockedCompareExchange(&mData->busy, 1, 0) == 0)
                return true;
        }
        return WaitForSingleObject(mEvent, ms) == 0; // WAIT_OBJECT_0
#else
        return false;
#endif
    }
    void Unlock() {
#ifdef _WIN32
        InterlockedExchange(&mData->busy, 0);
        if (mData->waiters > 0) { SetEvent(mEvent); }
#endif
    }
    ~SharedLock() {
#ifdef _WIN32
        if (mEvent) CloseHandle(mEvent);
#endif
    }
    SharedLock(SharedLock&& other) : mMap(std::exchange(other.mMap, nullptr)), mEvent(std::exchange(other.mEvent, nullptr)) ,
        mData(std::exchange(other.mData, nullptr)) {}
    SharedLock& operator=(SharedLock&& other) {
        std::swap(mMap, other.mMap);
        std::swap(mData, other.mData);
        return *this;
    }
private:
#ifdef _WIN32
    struct LockData {
        volatile LONG waiters;
        volatile LONG busy;
    };
#endif
    SharedLock() = default;
    bool Init() {
#ifdef _WIN32
        mMap = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)sizeof(LockData), "LMU_Test_Lock");
        return mMap != NULL;
#else
        return false;
#endif
    }
    HANDLE mMap = NULL;
    HANDLE mEvent = NULL;
    LockData* mData = nullptr;
};

struct SmScoring { // keep in sync with the copy function below
    StandingV01 info;
    size_t streamSize;
    CarTelemV01 cars[4]; // MUST NOT MOVE
    char stream[256];
};

struct SmTelemetry {
    uint8_t active;
    uint8_t player;
    bool hasPlayer;
    CarTelemV01 cars[4];
};

struct SmPaths {
    char userData[MAX_PATH];
    char plugins[MAX_PATH];
};

struct SmGeneric {
    SmEvent events[SmEvent::SME_MAX];
    long gameVersion;
    float ffbTorque;
    ViewInfoV01 view;
};

struct SmObject {
    SmGeneric generic;
    SmPaths paths;
    SmScoring scoring;
    SmTelemetry telemetry;
};

struct SmLayout {
    SmObject data;
};

static void CopySmObject(SmObject& dst, SmObject& src) {
    memcpy(&dst.generic, &src.generic, sizeof(SmGeneric));
    if (src.generic.events[SME_UPDATE_SCORING]) {
        dst.scoring.stream[dst.scoring.streamSize] = '\0';
        dst.scoring.info.mStream = &dst.scoring.stream[0];
    }
}
