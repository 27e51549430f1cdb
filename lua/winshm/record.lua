-- winshm.record: recordings of a region's frames (docs/recordings.md).
-- src/record.c makes these shm.record and shm.recording, passing the
-- module table first:
--
--   record(shm, path, view [, opts]) -> recorder | nil, message
--   recording(shm, path)             -> recording | nil, message
--
-- The writer is winshm.record.writer, the reader winshm.record.reader;
-- winshm.record.format is the file's bytes, winshm.record.ctext the
-- layout as C text, src/delta.c the frame codec (shm._rec).
local M = {}

function M.record(shm, path, view, opts)
  return require("winshm.record.writer").record(shm, path, view, opts)
end

function M.recording(shm, path)
  return require("winshm.record.reader").recording(shm, path)
end

return M
