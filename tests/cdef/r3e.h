#pragma once
/*
 * r3e.h -- a test header in the shape of a sim's shared memory API in C
 * as its newer versions publish it: names are arrays of a uint8_t typedef
 * (UTF-8 code units), constants are anonymous enums, typedef'd enums
 * with trailing commas sit outside #pragma pack(push, 1).
 */

#include <stdint.h>

typedef int32_t r3t_int32;
typedef float r3t_float32;
typedef double r3t_float64;
typedef uint8_t r3t_u8char; // UTF-8 code unit

#define R3T_SHARED_MEMORY_NAME "$R3T"

enum
{
    // Major version number to test against
    R3T_VERSION_MAJOR = 3
};

enum
{
    R3T_VERSION_MINOR = 4
};

enum
{
    R3T_NUM_DRIVERS_MAX = 8
};

typedef enum
{
    R3T_SESSION_UNAVAILABLE = -1,
    R3T_SESSION_PRACTICE = 0,
    R3T_SESSION_QUALIFY = 1,
    R3T_SESSION_RACE = 2,
	R3T_SESSION_WARMUP = 3,
} r3t_session;

typedef enum
{
    R3T_TIRE_FRONT_LEFT = 0,
    R3T_TIRE_FRONT_RIGHT = 1,
    R3T_TIRE_REAR_LEFT = 2,
    R3T_TIRE_REAR_RIGHT = 3,
    R3T_TIRE_INDEX_MAX = 4,
} r3t_tire_index;

typedef enum
{
    R3T_FINISH_STATUS_UNAVAILABLE = -1,
    R3T_FINISH_STATUS_NONE = 0,
    R3T_FINISH_STATUS_DQ = 5,
} r3t_finish_status;

// Make sure everything is tightly packed, to prevent the compiler from adding any hidden padding
#pragma pack(push, 1)

typedef struct
{
    r3t_float32 x;
    r3t_float32 y;
    r3t_float32 z;
} r3t_vec3_f32;

typedef struct
{
    r3t_float64 x;
    r3t_float64 y;
    r3t_float64 z;
} r3t_vec3_f64;

typedef struct
{
    r3t_int32 game_simulation_ticks;
    r3t_float64 game_simulation_time;
    r3t_vec3_f64 position;
    r3t_vec3_f64 velocity;
    r3t_float64 suspension_deflection[R3T_TIRE_INDEX_MAX];
    r3t_float64 unused1;
} r3t_playerdata;

typedef struct
{
    r3t_u8char name[64];
    r3t_int32 car_number;
    r3t_int32 class_id;
    r3t_int32 model_id;
    r3t_int32 user_id;
    r3t_int32 unused1;
} r3t_driver_info;

typedef struct
{
    r3t_driver_info driver_info;
    r3t_finish_status finish_status;
    r3t_int32 place;
    r3t_float32 lap_distance;
    r3t_vec3_f32 position;
    r3t_float32 sector_time_best_self[3];
    r3t_int32 penaltyReason;
} r3t_driver_data;

typedef struct
{
    r3t_int32 version_major;
    r3t_int32 version_minor;
    r3t_int32 all_drivers_offset; // Offset to num_cars
    r3t_int32 driver_data_size; // size of the driver data struct

    r3t_int32 game_paused;
    r3t_playerdata player;

    r3t_u8char track_name[64];
    r3t_u8char layout_name[64];
    r3t_int32 track_id;
    r3t_float32 layout_length;
    r3t_session session_type;
    r3t_u8char vehicle_info_name[64];
    r3t_int32 num_cars;
    r3t_driver_data all_drivers[R3T_NUM_DRIVERS_MAX];
} r3t_shared;

#pragma pack(pop)
