//=============================================================================
// plugobj.hpp -- the plugin object base class of tests/cdef/plugin.hpp: a
// private pointer to an elaborated class type, member functions, and typedefs
// of __cdecl function pointers that a loader uses.
//=============================================================================
#ifndef TEST_PLUGOBJ_HPP
#define TEST_PLUGOBJ_HPP

#pragma pack( push, 4 )

enum PluginKind
{
  PK_INVALID   = -1,
  //-------------------
  PK_STATS     =  0,
  PK_INTERNALS =  3,
  //-------------------
  PK_MAXIMUM
};

class PluginObject
{
 private:
  class PluginInfo *mInfo;      // (the loader's)

 public:
  void SetInfo( class PluginInfo *p )  { mInfo = p; }
  class PluginInfo *GetInfo() const    { return( mInfo ); }
  class PluginInfo *GetInfo()          { return( mInfo ); }
};

typedef const char *     ( __cdecl *GETNAME )();
typedef PluginKind       ( __cdecl *GETKIND )();
typedef int              ( __cdecl *GETVERSION )();
typedef PluginObject *   ( __cdecl *CREATEOBJECT )();
typedef void             ( __cdecl *DESTROYOBJECT )( PluginObject *obj );

#pragma pack( pop )

#endif // TEST_PLUGOBJ_HPP
