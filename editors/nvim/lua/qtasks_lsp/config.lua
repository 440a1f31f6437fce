--- Options of require("qtasks_lsp").setup() and the client configuration built
--- from them. The server reads its settings from the `qtasks` section of
--- workspace/configuration and from initializationOptions, so both carry them.
local M = {}

--- The client's name: the one vim.lsp.enable() and :checkhealth show.
M.name = "qtasks_lsp"

M.defaults = {
  cmd = { "qtasks-lsp" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", ".git" },
  settings = {},
}

local KNOWN = {
  cmd = "table",
  filetypes = "table",
  root_markers = "table",
  settings = "table",
  capabilities = "table",
  on_attach = "function",
}

--- The user's options over the defaults, or nil and a message saying what to change.
function M.resolve(opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    return nil, "setup() takes a table of options, got a " .. type(opts)
  end

  local resolved = {}
  for key, value in pairs(opts) do
    if KNOWN[key] == nil then
      return nil,
        (
          "unknown option `%s`; the options are cmd, filetypes, root_markers, "
          .. "settings, capabilities and on_attach"
        ):format(tostring(key))
    end
    if type(value) ~= KNOWN[key] then
      return nil, ("option `%s` must be a %s, got a %s"):format(key, KNOWN[key], type(value))
    end
    resolved[key] = value
  end
  for key, value in pairs(M.defaults) do
    if resolved[key] == nil then
      resolved[key] = vim.deepcopy(value)
    end
  end

  return resolved
end

--- A table that encodes as a JSON object even when it is empty.
local function as_object(tbl)
  if tbl == nil or next(tbl) == nil then
    return vim.empty_dict()
  end
  return tbl
end

--- The initializationOptions of a client config: its `qtasks` settings, with any
--- `init_options` the user gave on top (e.g. `editorPython`).
function M.initialization_options(config)
  local settings = config.settings and config.settings.qtasks or {}
  local options = vim.tbl_extend("force", {}, settings, config.init_options or {})

  return as_object(options)
end

--- Fills initializationOptions in, whichever way the client config was put together.
function M.before_init(params, config)
  params.initializationOptions = M.initialization_options(config)
end

-- What Python's ftplugin may have put there: it knows nothing of task names.
local REPLACEABLE_OMNIFUNC = {
  [""] = true,
  ["python3complete#Complete"] = true,
  ["pythoncomplete#Complete"] = true,
}

--- Lets <C-x><C-o> ask the language servers, unless the user chose another omnifunc.
function M.use_lsp_omnifunc(bufnr)
  if REPLACEABLE_OMNIFUNC[vim.bo[bufnr].omnifunc] then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
end

--- The parts of the client config that do not depend on how the server is started.
function M.client_config(resolved)
  local config = {
    name = M.name,
    cmd = resolved.cmd,
    filetypes = resolved.filetypes,
    root_markers = resolved.root_markers,
    settings = {},
    before_init = M.before_init,
    on_attach = function(client, bufnr)
      M.use_lsp_omnifunc(bufnr)
      if resolved.on_attach then
        resolved.on_attach(client, bufnr)
      end
    end,
  }
  -- An empty section would be sent as a JSON list, so it is left out instead.
  if next(resolved.settings) then
    config.settings.qtasks = vim.deepcopy(resolved.settings)
  end
  if resolved.capabilities then
    config.capabilities = resolved.capabilities
  end

  return config
end

return M
