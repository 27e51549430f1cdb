-- winshm.tools.svg: line charts as SVG, for `winshm plot`.
--
--   svg.chart { title =, subtitle =, xlabel =, width =, panel_height =,
--               panels = { { label =, series = { { name =, y = {...} }, ... } }, ... },
--               x = {...} }  -> SVG text
--
-- x is shared by every series (the frame times); y[i] belongs to x[i]
-- (NaN or an infinity leaves a gap).  Each panel has its own y axis, a
-- grid and a legend; the x axis is at the bottom of the last panel.  A
-- series with more points than the plot has pixels keeps, per pixel
-- column, its first, lowest, highest and last point, so peaks stay.
local M = {}

local COLORS = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                 "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22" }
local FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

function M.escape(s)
  -- XML 1.0 has no place for most control characters: drop them
  return (tostring(s):gsub("[%z\1-\8\11\12\14-\31]", ""):gsub("[&<>\"']", ESC))
end
local esc = M.escape

local function finite(v)
  return v == v and v ~= math.huge and v ~= -math.huge
end

-- ============================================================== scales

-- A "nice" step (1, 2 or 5 times a power of ten) near span / n.
local function nicestep(span, n)
  local raw = span / n
  local p = 10 ^ math.floor(math.log(raw, 10))
  for _, m in ipairs({ 1, 2, 5, 10 }) do
    if raw <= m * p * 1.0000001 then return m * p end
  end
  return 10 * p
end

-- lo, hi widened to nice ticks; the ticks.
local function ticks(lo, hi, n)
  if lo >= hi then
    local pad = lo == 0 and 1 or math.abs(lo) * 0.1
    lo, hi = lo - pad, hi + pad
  end
  local step = nicestep(hi - lo, n)
  local first, last = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
  local t = {}
  for i = 0, math.floor((last - first) / step + 0.5) do t[#t + 1] = first + i * step end
  return first, last, t, step
end

-- How many ticks a time axis 'w' pixels wide has room for.
local function xticks(w)
  return math.max(2, math.floor(w / 90))
end

-- A tick label: as few digits as the step needs.
local function label(v, step)
  if math.abs(v) < step * 1e-6 then v = 0 end
  local digits = math.max(0, -math.floor(math.log(step, 10) + 1e-9))
  if math.abs(v) >= 1e6 or (v ~= 0 and math.abs(v) < 1e-4) then return ("%.3g"):format(v) end
  return ("%." .. digits .. "f"):format(v)
end

local function range(values, lo, hi)
  for _, v in ipairs(values) do
    if finite(v) then
      if v < lo then lo = v end
      if v > hi then hi = v end
    end
  end
  return lo, hi
end

-- ============================================================ drawing

local function num(v) return ("%.2f"):format(v):gsub("%.?0+$", "") end

-- The SVG path data of one series in the box, reduced to the pixels.
local function pathdata(x, y, sx, sy)
  local parts, pen = {}, "M"
  local bucket, bfirst, bmin, bmax, blast
  local function flush()
    if not bucket then return end
    local pts = { bfirst }
    if bmin ~= bfirst then pts[#pts + 1] = bmin end
    if bmax ~= bfirst and bmax ~= bmin then pts[#pts + 1] = bmax end
    if blast ~= pts[#pts] then pts[#pts + 1] = blast end
    table.sort(pts, function(a, b) return a[3] < b[3] end)
    for _, p in ipairs(pts) do
      parts[#parts + 1] = pen .. num(p[1]) .. "," .. num(p[2])
      pen = "L"
    end
    bucket = nil
  end
  for i = 1, #x do
    local v = y[i]
    if not finite(v) then
      flush()
      pen = "M"
    else
      local px, py = sx(x[i]), sy(v)
      local col = math.floor(px * 2)   -- half-pixel columns
      local p = { px, py, i }
      if col ~= bucket then
        flush()
        bucket, bfirst, bmin, bmax = col, p, p, p
      else
        if py > bmin[2] then bmin = p end   -- screen y grows downwards
        if py < bmax[2] then bmax = p end
      end
      blast = p
    end
  end
  flush()
  return table.concat(parts, " ")
end

local function panel(out, p, box, x, xlo, xhi, colors, last, xlabel)
  local lo, hi = math.huge, -math.huge
  for _, s in ipairs(p.series) do lo, hi = range(s.y, lo, hi) end
  if lo > hi then lo, hi = 0, 1 end
  local ylo, yhi, yt, ystep = ticks(lo, hi, 5)
  local function sx(v) return box.x + (v - xlo) / (xhi - xlo) * box.w end
  local function sy(v) return box.y + box.h - (v - ylo) / (yhi - ylo) * box.h end
  out[#out + 1] = ('<g class="panel" data-label="%s">'):format(esc(p.label))
  out[#out + 1] = ('<rect class="plot" x="%s" y="%s" width="%s" height="%s" fill="#fbfbfb" stroke="#c8c8c8"/>')
    :format(num(box.x), num(box.y), num(box.w), num(box.h))
  for _, v in ipairs(yt) do
    local y = sy(v)
    out[#out + 1] = ('<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e6e6e6"/>')
      :format(num(box.x), num(y), num(box.x + box.w), num(y))
    out[#out + 1] = ('<text class="tick" x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>')
      :format(num(box.x - 6), num(y), esc(label(v, ystep)))
  end
  local _, _, xt, xstep = ticks(xlo, xhi, xticks(box.w))
  for _, v in ipairs(xt) do
    if v >= xlo - 1e-9 and v <= xhi + 1e-9 then
      local xx = sx(v)
      out[#out + 1] = ('<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#eeeeee"/>')
        :format(num(xx), num(box.y), num(xx), num(box.y + box.h))
      if last then
        out[#out + 1] = ('<text class="tick" x="%s" y="%s" text-anchor="middle">%s</text>')
          :format(num(xx), num(box.y + box.h + 16), esc(label(v, xstep)))
      end
    end
  end
  -- the y axis label, turned
  out[#out + 1] = ('<text class="axis-label" transform="translate(%s,%s) rotate(-90)" text-anchor="middle">%s</text>')
    :format(num(box.x - 52), num(box.y + box.h / 2), esc(p.label))
  if last then
    out[#out + 1] = ('<text class="axis-label" x="%s" y="%s" text-anchor="middle">%s</text>')
      :format(num(box.x + box.w / 2), num(box.y + box.h + 36), esc(xlabel))
  end
  out[#out + 1] = ('<clipPath id="clip-%d"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>')
    :format(box.id, num(box.x), num(box.y), num(box.w), num(box.h))
  out[#out + 1] = ('<g class="series" clip-path="url(#clip-%d)">'):format(box.id)
  for i, s in ipairs(p.series) do
    out[#out + 1] = ('<path class="line" data-field="%s" d="%s" fill="none" stroke="%s" '
      .. 'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>')
      :format(esc(s.name), pathdata(x, s.y, sx, sy), colors[i])
  end
  out[#out + 1] = "</g>"
  -- the legend, right of the plot
  out[#out + 1] = '<g class="legend">'
  for i, s in ipairs(p.series) do
    local ly = box.y + 10 + (i - 1) * 18
    out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"/>')
      :format(num(box.x + box.w + 14), num(ly), num(box.x + box.w + 34), num(ly), colors[i])
    out[#out + 1] = ('<text class="legend-entry" x="%s" y="%s" dominant-baseline="middle">%s</text>')
      :format(num(box.x + box.w + 40), num(ly), esc(s.name))
  end
  out[#out + 1] = "</g></g>"
end

function M.chart(c)
  local width = c.width or 960
  local ph = c.panel_height or 220
  local left, right, top, gap, bottom = 78, 220, c.subtitle and 64 or 48, 26, 52
  local height = top + #c.panels * ph + (#c.panels - 1) * gap + bottom
  local xlo, xhi = range(c.x, math.huge, -math.huge)
  if xlo > xhi then xlo, xhi = 0, 1 end
  if xlo == xhi then xlo, xhi = xlo - 0.5, xhi + 0.5 end
  -- the time axis starts at a tick (0 for a whole recording)
  local _, _, _, xstep = ticks(xlo, xhi, xticks(width - left - right))
  xlo = math.floor(xlo / xstep + 1e-9) * xstep
  local out = {
    '<?xml version="1.0" encoding="UTF-8"?>',
    ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
      .. 'font-family="%s" font-size="12" fill="#333">'):format(width, height, width, height, FONT),
    ("<title>%s</title>"):format(esc(c.title)),
    '<style>.tick{fill:#666;font-size:11px}.axis-label{fill:#444;font-size:12px}'
      .. '.legend-entry{fill:#333;font-size:12px}.title{font-size:16px;font-weight:600}'
      .. '.subtitle{fill:#777;font-size:12px}</style>',
    ('<rect width="%d" height="%d" fill="#ffffff"/>'):format(width, height),
    ('<text class="title" x="%d" y="26">%s</text>'):format(left, esc(c.title)),
  }
  if c.subtitle then
    out[#out + 1] = ('<text class="subtitle" x="%d" y="46">%s</text>'):format(left, esc(c.subtitle))
  end
  for i, p in ipairs(c.panels) do
    local colors = {}
    for k = 1, #p.series do colors[k] = COLORS[(k - 1) % #COLORS + 1] end
    local box = { id = i, x = left, y = top + (i - 1) * (ph + gap), w = width - left - right, h = ph }
    panel(out, p, box, c.x, xlo, xhi, colors, i == #c.panels, c.xlabel or "time (s)")
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n") .. "\n"
end

return M
