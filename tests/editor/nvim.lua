-- Driven by tests/editor/run.sh: Neovim's built-in LSP client against `deploylint lsp`.
-- Works with Neovim 0.7 (Debian 12) and later. Ends Neovim with status 0 when every
-- check passed, 1 otherwise.

local bin = assert(os.getenv("DEPLOYLINT_BIN"), "DEPLOYLINT_BIN")
local path = assert(os.getenv("DEPLOYLINT_DOCKERFILE"), "DEPLOYLINT_DOCKERFILE")
local passed = 0
local server_exit = nil

local function say(text)
  io.stdout:write(text .. "\n")
end

local function check(condition, what)
  if not condition then
    error(what, 2)
  end
  passed = passed + 1
  say("ok: " .. what)
end

local function code_of(diagnostic)
  -- Neovim 0.8+ has `code`; 0.7 keeps the protocol's fields in user_data.lsp.
  return diagnostic.code
    or (diagnostic.user_data and diagnostic.user_data.lsp and diagnostic.user_data.lsp.code)
end

local function find(buf, code)
  for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
    if code_of(diagnostic) == code then
      return diagnostic
    end
  end
  return nil
end

local function wait_for(what, condition)
  if not vim.wait(20000, condition, 20) then
    error("timed out waiting for " .. what, 2)
  end
end

local function request(buf, client_id, method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 20000)
  local response = responses and responses[client_id]
  if not response or response.err or response.error then
    error(method .. " failed: " .. vim.inspect(response), 2)
  end
  return response.result
end

local function main()
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "deploylint",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(path, ":h"),
    on_exit = function(code)
      server_exit = code
    end,
  })
  check(client_id ~= nil, "the client started the server")
  vim.lsp.buf_attach_client(buf, client_id)
  local uri = vim.uri_from_bufnr(buf)

  -- 1. The finding arrives for the file as opened, with its exact range.
  wait_for("DF000", function()
    return find(buf, "DF000") ~= nil
  end)
  local syntax = find(buf, "DF000")
  check(
    syntax.lnum == 3 and syntax.col == 0 and syntax.end_lnum == 3 and syntax.end_col == 4,
    "DF000 covers `RUNN` on line 4 (got " .. syntax.lnum .. ":" .. syntax.col .. "-"
      .. syntax.end_lnum .. ":" .. syntax.end_col .. ")"
  )
  check(syntax.severity == vim.diagnostic.severity.ERROR, "DF000 is an error")
  check(syntax.source == "deploylint", "the source is deploylint")

  -- 2. Hover shows the rule's documentation.
  local hover = request(buf, client_id, "textDocument/hover", {
    textDocument = { uri = uri },
    position = { line = 3, character = 1 },
  })
  check(
    hover and hover.contents and hover.contents.value:find("dockerfile-syntax", 1, true) ~= nil,
    "hover shows the rule's documentation"
  )

  -- 3. The suppression code action, applied by the editor, silences the finding.
  local actions = request(buf, client_id, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = { start = { line = 3, character = 0 }, ["end"] = { line = 3, character = 0 } },
    context = { diagnostics = {} },
  })
  local suppress = nil
  for _, action in ipairs(actions or {}) do
    if action.title == "Suppress DF000 on this line" then
      suppress = action
    end
  end
  check(suppress ~= nil, "a code action suppresses DF000 on its line")
  vim.lsp.util.apply_workspace_edit(suppress.edit, "utf-16")
  check(
    vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1] == "# deploylint: ignore[DF000]",
    "the action inserts the suppression comment above the line"
  )
  wait_for("DF000 to be suppressed", function()
    return find(buf, "DF000") == nil
  end)
  check(true, "the suppressed finding is gone (unsaved buffer)")

  -- 4. Back to the broken text, then fixed by an edit: the finding comes and goes.
  vim.api.nvim_buf_set_lines(buf, 3, 4, false, {})
  wait_for("DF000 to come back", function()
    return find(buf, "DF000") ~= nil
  end)
  check(true, "removing the comment brings DF000 back")
  vim.api.nvim_buf_set_lines(buf, 3, 4, false, { "RUN pip install --no-cache-dir -r requirements.txt" })
  wait_for("DF000 to clear", function()
    return find(buf, "DF000") == nil
  end)
  check(true, "fixing the instruction clears DF000")

  -- 5. `--reload` in the CMD: DF001 on exactly that flag, gone once it is removed.
  wait_for("DF001", function()
    return find(buf, "DF001") ~= nil
  end)
  local reload = find(buf, "DF001")
  check(
    reload.lnum == 4 and reload.col == 35 and reload.end_lnum == 4 and reload.end_col == 43,
    "DF001 covers `--reload` on line 5 (got " .. reload.lnum .. ":" .. reload.col .. "-"
      .. reload.end_lnum .. ":" .. reload.end_col .. ")"
  )
  check(reload.severity == vim.diagnostic.severity.ERROR, "DF001 is an error")
  vim.api.nvim_buf_set_lines(buf, 4, 5, false, {
    'CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]',
  })
  wait_for("DF001 to clear", function()
    return find(buf, "DF001") == nil
  end)
  check(true, "removing --reload clears DF001")

  -- 6. shutdown and exit, cleanly.
  vim.lsp.stop_client(client_id)
  wait_for("the server to exit", function()
    return server_exit ~= nil
  end)
  check(server_exit == 0, "the server exits with status 0 after shutdown")
end

local ok, problem = pcall(main)
if ok then
  say("editor: " .. passed .. " passed, 0 failed")
  vim.cmd("qall!")
else
  io.stderr:write("FAIL: " .. tostring(problem) .. "\n")
  say("editor: " .. passed .. " passed, 1 failed")
  vim.cmd("cquit 1")
end
