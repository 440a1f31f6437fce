-- Drives a headless Neovim through what a user does with qtasks-lsp in
-- shop/checkout.py, and writes what each step saw as JSON to $QTASKS_NVIM_OUT.
-- Each step is independent: a failing step records its error and the next runs.
local out_path = assert(os.getenv("QTASKS_NVIM_OUT"), "QTASKS_NVIM_OUT is not set")
local wait_ms = tonumber(os.getenv("QTASKS_NVIM_WAIT_MS") or "30000")

local uv = vim.uv or vim.loop
local results = { steps = {}, errors = {}, timings_ms = {}, notifications = {} }
local bufnr = vim.api.nvim_get_current_buf()

local notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(results.notifications, { message = message, level = level or vim.log.levels.INFO })
  return notify(message, level, opts)
end

local function clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local found = {}
  for _, client in pairs(get()) do
    if client.name == "qtasks_lsp" then
      table.insert(found, client)
    end
  end
  return found
end

local function attached_client()
  for _, client in ipairs(clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) and client.initialized ~= false then
      return client
    end
  end
end

local function position_of(text, offset)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return { line = index - 1, character = col - 1 + (offset or 0) }
    end
  end
  error("no line holds " .. text)
end

local function request(method, params, timeout)
  local answers, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout or wait_ms)
  if not answers then
    error(method .. ": " .. tostring(err))
  end
  for _, answer in pairs(answers) do
    if answer.err then
      error(method .. ": " .. vim.inspect(answer.err))
    end
    return answer.result
  end
  error(method .. ": no server answered")
end

local function execute(command, arguments)
  return request("workspace/executeCommand", { command = command, arguments = arguments })
end

local function floating_window()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= "" then
      return win
    end
  end
end

local function window_state(win)
  local buf = vim.api.nvim_win_get_buf(win)
  local mapping = vim.fn.maparg("q", "n", false, true)
  return {
    lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
    filetype = vim.bo[buf].filetype,
    name = vim.api.nvim_buf_get_name(buf),
    current = vim.api.nvim_get_current_win() == win,
    q_mapped = type(mapping) == "table" and mapping.buffer == 1,
  }
end

local function qtasks_diagnostics()
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
    table.insert(found, {
      lnum = diagnostic.lnum,
      col = diagnostic.col,
      message = diagnostic.message,
      source = diagnostic.source,
      code = diagnostic.code or lsp.code,
      severity = diagnostic.severity,
    })
  end
  return found
end

local function has_unknown_task()
  for _, diagnostic in ipairs(qtasks_diagnostics()) do
    if diagnostic.code == "unknown-task" then
      return true
    end
  end
  return false
end

local steps = {}

function steps.attach()
  local ok = vim.wait(wait_ms, function()
    return attached_client() ~= nil
  end, 50)
  if not ok then
    error("no qtasks_lsp client attached to " .. vim.api.nvim_buf_get_name(bufnr))
  end
  local client = attached_client()
  return {
    name = client.name,
    root_dir = client.config.root_dir,
    cmd = client.config.cmd,
    settings = client.config.settings,
    omnifunc = vim.bo[bufnr].omnifunc,
    clients = #clients(),
  }
end

local function settled(status)
  if type(status) ~= "table" or type(status.apps) ~= "table" or #status.apps == 0 then
    return false
  end
  for _, app in ipairs(status.apps) do
    if app.state == "static" or app.state == "inspecting" then
      return false
    end
  end
  return true
end

-- Waits until the server has inspected the app (or failed to), so that later
-- steps see what a user sees once the project is loaded.
function steps.ready()
  local deadline = uv.hrtime() + wait_ms * 2 * 1e6
  local status
  repeat
    local answered, answer = pcall(execute, "qtasks.server.status")
    status = answered and answer or { error = answer }
    if settled(status) then
      return { settled = true, status = status }
    end
    vim.wait(250)
  until uv.hrtime() > deadline

  return { settled = false, status = status }
end

function steps.hover()
  local position = position_of('"orders.process"', 3)
  local result = request("textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position,
  })
  local contents = result and result.contents
  local text = type(contents) == "table" and (contents.value or vim.inspect(contents)) or contents

  vim.api.nvim_win_set_cursor(0, { position.line + 1, position.character })
  vim.lsp.buf.hover()
  vim.wait(wait_ms, function()
    return floating_window() ~= nil
  end, 50)
  local win = floating_window()
  local float_lines = win
    and vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
  if win then
    vim.api.nvim_win_close(win, true)
  end

  return { position = position, text = text, float = float_lines }
end

function steps.diagnostics_before_edit()
  vim.wait(2000, has_unknown_task, 100)
  return qtasks_diagnostics()
end

-- Types `app.add_task("` on a new line and asks for completion there, first as
-- a plain request, then through <C-x><C-o> in Insert mode.
function steps.completion()
  local anchor = position_of('app.add_task("ping")')
  local line = '    app.add_task("'
  vim.api.nvim_buf_set_lines(bufnr, anchor.line + 1, anchor.line + 1, false, { line })
  local position = { line = anchor.line + 1, character = #line }

  local result = request("textDocument/completion", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position,
    context = { triggerKind = 1 },
  })
  local items = result and (result.items or result) or {}
  local labels = {}
  local first_edit
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    first_edit = first_edit or item.textEdit
  end

  -- Insert mode lasts until the timer sees the menu filled (or gives up) and
  -- leaves it; the omnifunc answers asynchronously in between.
  local words = {}
  local deadline = uv.now() + wait_ms
  vim.fn.timer_start(50, function(timer)
    local info = vim.fn.complete_info({ "items", "mode" })
    for _, item in ipairs(info.items or {}) do
      table.insert(words, item.word)
    end
    if #words > 0 or uv.now() > deadline then
      vim.fn.timer_stop(timer)
      vim.api.nvim_feedkeys(
        vim.api.nvim_replace_termcodes("<C-e><Esc>", true, false, true),
        "n",
        false
      )
    end
  end, { ["repeat"] = -1 })
  vim.api.nvim_win_set_cursor(0, { position.line + 1, #line - 1 })
  vim.api.nvim_feedkeys(
    vim.api.nvim_replace_termcodes("a<C-x><C-o>", true, false, true),
    "nx!",
    false
  )

  vim.api.nvim_buf_set_lines(bufnr, position.line, position.line + 1, false, {})
  return { labels = labels, first_edit = first_edit, omnifunc_words = words }
end

function steps.diagnostics_after_edit()
  local position = position_of('app.add_task("ping")', 14)
  vim.api.nvim_buf_set_text(
    bufnr,
    position.line,
    position.character,
    position.line,
    position.character + 4,
    { "emails.sned" }
  )
  vim.wait(wait_ms, has_unknown_task, 100)
  return {
    line = vim.api.nvim_buf_get_lines(bufnr, position.line, position.line + 1, false)[1],
    lnum = position.line,
    diagnostics = qtasks_diagnostics(),
  }
end

local function run_view_command(command, filetype)
  vim.cmd(command)
  vim.wait(wait_ms * 2, function()
    local win = floating_window()
    return win ~= nil and vim.bo[vim.api.nvim_win_get_buf(win)].filetype == filetype
  end, 50)
  local win = floating_window()
  if not win then
    error(command .. " opened no window")
  end
  local state = window_state(win)

  vim.api.nvim_set_current_win(win)
  vim.api.nvim_feedkeys("q", "x", false)
  state.closed_by_q = not vim.api.nvim_win_is_valid(win)
  return state
end

function steps.inspect()
  return run_view_command("QTasksInspect", "markdown")
end

function steps.status()
  return run_view_command("QTasksStatus", "text")
end

function steps.refresh()
  local before = #results.notifications
  vim.cmd("QTasksRefresh")
  vim.wait(wait_ms, function()
    return #results.notifications > before
  end, 50)
  return vim.list_slice(results.notifications, before + 1)
end

local order = vim.split(
  os.getenv("QTASKS_NVIM_STEPS")
    or "attach,ready,hover,diagnostics_before_edit,completion,diagnostics_after_edit,"
      .. "inspect,status,refresh",
  ",",
  { plain = true }
)

results.version = vim.fn.matchstr(vim.fn.execute("version"), "NVIM v\\zs[^\\n]*")
results.method = require("qtasks_lsp.start").method()
for _, name in ipairs(order) do
  local started = uv.hrtime()
  local ok, value = pcall(steps[name])
  if ok then
    results.steps[name] = value == nil and vim.NIL or value
  else
    results.errors[name] = tostring(value)
  end
  results.timings_ms[name] = math.floor((uv.hrtime() - started) / 1e6)
end

local file = assert(io.open(out_path, "w"))
file:write(vim.fn.json_encode(results))
file:close()
vim.cmd("qa!")
