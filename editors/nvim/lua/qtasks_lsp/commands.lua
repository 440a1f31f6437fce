--- The user commands :QTasksInspect, :QTasksStatus and :QTasksRefresh: each runs
--- one of the server's workspace/executeCommand commands and shows the answer.
local config = require("qtasks_lsp.config")
local view = require("qtasks_lsp.view")

local M = {}

local function notify(message, level)
  vim.notify("qtasks-lsp: " .. message, level or vim.log.levels.INFO)
end

local function running_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = config.name })
  end

  local found = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == config.name then
      table.insert(found, client)
    end
  end
  return found
end

--- The client serving `bufnr`, else the first one running, else nil.
function M.client_for(bufnr)
  local clients = running_clients()
  for _, client in ipairs(clients) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client, true
    end
  end

  return clients[1], false
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Runs server command `command` for the current buffer; `on_result(result)` gets
--- its answer.
function M.execute(command, arguments, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client_for(bufnr)
  if not client then
    notify(
      "the server is not running: open a Python file of your project first "
        .. "(:checkhealth vim.lsp shows why a server did not start)",
      vim.log.levels.WARN
    )
    return
  end

  local params = { command = command, arguments = arguments }
  request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify(
        ("%s failed: %s"):format(command, err.message or vim.inspect(err)),
        vim.log.levels.ERROR
      )
      return
    end
    on_result(result)
  end, bufnr)
end

--- The argument of qtasks.server.inspectApp: the app spec typed, else the current
--- document, so that the server inspects the app this file belongs to.
local function inspect_arguments(spec)
  if spec ~= "" then
    return { spec }
  end

  local bufnr = vim.api.nvim_get_current_buf()
  local _, attached = M.client_for(bufnr)
  if attached then
    return { vim.uri_from_bufnr(bufnr) }
  end
  return nil
end

function M.inspect(spec)
  M.execute("qtasks.server.inspectApp", inspect_arguments(spec or ""), function(result)
    if type(result) ~= "table" or type(result.markdown) ~= "string" then
      notify("the server sent no summary of the app", vim.log.levels.WARN)
      return
    end
    view.show(result.markdown, "markdown", "qtasks://inspect", "QTasks app")
  end)
end

function M.status()
  M.execute("qtasks.server.status", nil, function(result)
    if type(result) ~= "table" or type(result.text) ~= "string" then
      notify("the server sent no status", vim.log.levels.WARN)
      return
    end
    view.show(result.text, "text", "qtasks://status", "qtasks-lsp status")
  end)
end

function M.refresh()
  M.execute("qtasks.server.refresh", nil, function()
    notify("a new inspection of the app is on its way")
  end)
end

--- Defines the user commands; safe to call more than once.
function M.create()
  vim.api.nvim_create_user_command("QTasksInspect", function(args)
    M.inspect(args.args)
  end, { nargs = "?", desc = "Summary of the QTasks app: tasks, routers, settings" })

  vim.api.nvim_create_user_command("QTasksStatus", M.status, {
    desc = "What qtasks-lsp knows of each app, and its last error",
  })

  vim.api.nvim_create_user_command("QTasksRefresh", M.refresh, {
    desc = "Inspect the QTasks app again",
  })
end

return M
