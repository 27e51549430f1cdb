/*
 * raceroom.h -- a test header shaped like RaceRoom's shared memory: the
 * whole file under #pragma pack(push, 1), so doubles and ints sit at odd
 * offsets; typedef'd scalar names; small vector structs; a record array.
 */
#ifndef TEST_R3E_H
#define TEST_R3E_H

#include <stdint.h>

#define R3E_VERSION_MAJOR 2
#define R3E_VERSION_MINOR 11
#define R3E_SHARED_MEMORY_NAME "$R3E"
#define R3E_NUM_DRIVERS_MAX 128

typedef int32_t r3e_int32;
typedef uint32_t r3e_uint32;
typedef float r3e_float32;
typedef double r3e_float64;
typedef uint8_t r3e_u8char;
typedef int8_t r3e_int8;

enum {
  R3E_SESSION_UNAVAILABLE = -1,
  R3E_SESSION_PRACTICE = 0,
  R3E_SESSION_QUALIFY = 1,
  R3E_SESSION_RACE = 2,
  R3E_SESSION_WARMUP = 3
};

#pragma pack(push, 1)

typedef struct { r3e_float32 x, y, z; } r3e_vec3_f32;
typedef struct { r3e_float64 x, y, z; } r3e_vec3_f64;
typedef struct { r3e_float32 pitch, yaw, roll; } r3e_ori_f32;
typedef struct { r3e_float32 sector1, sector2, sector3; } r3e_sectorsf;

typedef struct {
  r3e_int8 yellow;
  r3e_int8 blue;
  r3e_int32 black;          /* at offset 2 */
  r3e_int8 white;
  r3e_int32 green;
} r3e_flags;

typedef struct {
  r3e_u8char name[64];
  r3e_int32 car_number;
  r3e_int32 class_id;
  r3e_int32 model_id;
  r3e_int32 team_id;
  r3e_int32 livery_id;
  r3e_int32 manufacturer_id;
  r3e_int32 user_id;
  r3e_int32 slot_id;
  r3e_int32 class_performance_index;
  r3e_int32 engine_type;
  r3e_float32 car_width;
  r3e_float32 car_length;
} r3e_driver_info;

typedef struct {
  r3e_driver_info driver_info;
  r3e_int32 finish_status;
  r3e_int32 place;
  r3e_int32 place_class;
  r3e_float32 lap_distance;
  r3e_vec3_f32 position;
  r3e_int32 track_sector;
  r3e_int32 completed_laps;
  r3e_int32 current_lap_valid;
  r3e_float32 lap_time_current_self;
  r3e_float32 sector_time_current_self[3];
  r3e_float32 sector_time_previous_self[3];
  r3e_float32 sector_time_best_self[3];
  r3e_float32 time_delta_front;
  r3e_float32 time_delta_behind;
  r3e_int32 pitstop_status;
  r3e_int32 in_pitlane;
  r3e_int32 num_pitstops;
  r3e_int8 drs_state;       /* one byte, then a float at an odd offset */
  r3e_float32 car_speed;
  r3e_int8 tire_type_front;
  r3e_int8 tire_type_rear;
  r3e_int8 tire_subtype_front;
  r3e_int8 tire_subtype_rear;
  r3e_float32 base_penalty_weight;
  r3e_float64 lap_start_time; /* a double at an odd offset */
} r3e_driver_data;

typedef struct {
  r3e_int32 version_major;
  r3e_int32 version_minor;
  r3e_int32 all_drivers_offset;
  r3e_int32 driver_data_size;
  r3e_int32 game_paused;
  r3e_int32 game_in_menus;
  r3e_int32 game_in_replay;
  r3e_int32 game_using_vr;
  r3e_int32 game_unused1;
  r3e_float64 player_sim_time;
  r3e_float64 player_sim_ticks;
  r3e_vec3_f64 player_position;
  r3e_vec3_f64 player_velocity;
  r3e_ori_f32 player_orientation;
  r3e_u8char track_name[64];
  r3e_u8char layout_name[64];
  r3e_int32 track_id;
  r3e_float32 layout_length;
  r3e_sectorsf sector_start_factors;
  r3e_int32 session_type;
  r3e_int8 flag_sector[3];   /* three bytes, then more ints */
  r3e_flags flags;
  r3e_float64 lap_time_best_leader;
  r3e_int32 position;
  r3e_int32 num_cars;
  r3e_float32 gear_ratio[8];
  r3e_uint32 tire_wear_active;
  r3e_float32 fuel_left;
  r3e_int8 abs_active;
  r3e_float64 engine_rpm;
  r3e_int32 num_drivers;
  r3e_driver_data all_drivers_data_1[R3E_NUM_DRIVERS_MAX];
} r3e_shared;

#pragma pack(pop)

#endif
