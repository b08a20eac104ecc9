import { createRequire as __msaCreateRequire } from 'node:module'; const require = __msaCreateRequire(import.meta.url);
import {
  ActionsUi,
  StateCleanup,
  bufferedUi,
  clip,
  conditionFrom,
  containerHealthcheck,
  containerLogs,
  containerState,
  createProcessRunner,
  healthcheckArgv,
  heldUi,
  htmlText,
  httpProbe,
  lastHealthcheckOutput,
  mdCode,
  mdCodeBlock,
  mdLink,
  mdText,
  removeContainer,
  removeOnSignal
} from "./chunk-3CKKXKDI.js";
import {
  require_semver
} from "./chunk-BPNTP72B.js";
import {
  debug,
  saveState,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunk-G6MXF74R.js";
import {
  MEDIA,
  OciLayout,
  TAG_RE,
  TarParser,
  attachStatement,
  buildImage,
  buildPlan,
  buildSettings,
  buildxArgs,
  cacheFlags,
  checkEngine,
  detectCapabilities,
  inspectImage,
  isImageName,
  isImageTag,
  isInside,
  leadsOutOfWorkspace,
  metadataFile,
  openRegular,
  parseVersion,
  platformText,
  readRegularText,
  realAncestor,
  splitReference,
  versionAtLeast
} from "./chunk-2XF4TRXS.js";
import {
  BUG_REPORT_HINT,
  CommandError,
  ConfigurationError,
  GateFailure,
  ToolError,
  errorMessage,
  failureFrom,
  failureKind,
  failureMessage,
  lastLines,
  settled
} from "./chunk-TV5RVX4N.js";
import {
  __toESM
} from "./chunk-ZRO6CAG6.js";

// src/context.ts
import * as os from "node:os";
import * as path from "node:path";
function isGhes(serverUrl) {
  const host = new URL(serverUrl).hostname.toLowerCase();
  return host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost");
}
function cacheProtocol(nonEmpty, serverUrl) {
  if (!nonEmpty("ACTIONS_RUNTIME_TOKEN")) return void 0;
  if (nonEmpty("ACTIONS_CACHE_SERVICE_V2") && !isGhes(serverUrl))
    return nonEmpty("ACTIONS_RESULTS_URL") ? "v2" : void 0;
  return nonEmpty("ACTIONS_CACHE_URL") || nonEmpty("ACTIONS_RESULTS_URL") ? "v1" : void 0;
}
function readContext(env = process.env) {
  const nonEmpty = (name) => env[name] ? env[name] : void 0;
  const serverUrl = nonEmpty("GITHUB_SERVER_URL") ?? "https://github.com";
  return {
    repository: nonEmpty("GITHUB_REPOSITORY"),
    sha: nonEmpty("GITHUB_SHA"),
    ref: nonEmpty("GITHUB_REF"),
    eventName: nonEmpty("GITHUB_EVENT_NAME"),
    eventPath: nonEmpty("GITHUB_EVENT_PATH"),
    serverUrl,
    apiUrl: nonEmpty("GITHUB_API_URL") ?? "https://api.github.com",
    workspace: nonEmpty("GITHUB_WORKSPACE") ?? process.cwd(),
    runnerTemp: nonEmpty("RUNNER_TEMP") ?? path.join(os.tmpdir()),
    toolCache: nonEmpty("RUNNER_TOOL_CACHE") ?? path.join(os.homedir(), ".cache", "multistage-action", "tools"),
    runId: nonEmpty("GITHUB_RUN_ID") ?? `local-${process.pid}`,
    onGitHub: env.GITHUB_ACTIONS === "true",
    cacheService: cacheProtocol(nonEmpty, serverUrl),
    actor: nonEmpty("GITHUB_ACTOR"),
    workflow: nonEmpty("GITHUB_WORKFLOW"),
    job: nonEmpty("GITHUB_JOB"),
    sshAuthSock: nonEmpty("SSH_AUTH_SOCK"),
    dockerHost: nonEmpty("DOCKER_HOST"),
    home: nonEmpty("HOME") ?? os.homedir()
  };
}

// src/inputs.ts
import * as fs from "node:fs";
import * as net from "node:net";
import * as path2 from "node:path";

// node_modules/csv-parse/lib/api/CsvError.js
var CsvError = class _CsvError extends Error {
  constructor(code, message, options, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ").trim();
    super(message);
    if (Error.captureStackTrace !== void 0) {
      Error.captureStackTrace(this, _CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value) ? value.toString(options.encoding) : value == null ? value : JSON.parse(JSON.stringify(value));
      }
    }
  }
};

// node_modules/csv-parse/lib/utils/is_object.js
var is_object = function(obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};

// node_modules/csv-parse/lib/api/normalize_columns_array.js
var normalize_columns_array = function(columns) {
  const normalizedColumns = [];
  for (let i = 0, l = columns.length; i < l; i++) {
    const column = columns[i];
    if (column === void 0 || column === null || column === false) {
      normalizedColumns[i] = { disabled: true };
    } else if (typeof column === "string" || typeof column === "number") {
      normalizedColumns[i] = { name: `${column}` };
    } else if (is_object(column)) {
      if (typeof column.name !== "string") {
        throw new CsvError("CSV_OPTION_COLUMNS_MISSING_NAME", [
          "Option columns missing name:",
          `property "name" is required at position ${i}`,
          "when column is an object literal"
        ]);
      }
      normalizedColumns[i] = column;
    } else {
      throw new CsvError("CSV_INVALID_COLUMN_DEFINITION", [
        "Invalid column definition:",
        "expect a string or a literal object,",
        `got ${JSON.stringify(column)} at position ${i}`
      ]);
    }
  }
  return normalizedColumns;
};

// node_modules/csv-parse/lib/utils/ResizeableBuffer.js
var ResizeableBuffer = class {
  constructor(size = 100) {
    this.size = size;
    this.length = 0;
    this.buf = Buffer.allocUnsafe(size);
  }
  prepend(val) {
    if (Buffer.isBuffer(val)) {
      const length = this.length + val.length;
      if (length >= this.size) {
        this.resize();
        if (length >= this.size) {
          throw Error("INVALID_BUFFER_STATE");
        }
      }
      const buf = this.buf;
      this.buf = Buffer.allocUnsafe(this.size);
      val.copy(this.buf, 0);
      buf.copy(this.buf, val.length);
      this.length += val.length;
    } else {
      const length = this.length++;
      if (length === this.size) {
        this.resize();
      }
      const buf = this.clone();
      this.buf[0] = val;
      buf.copy(this.buf, 1, 0, length);
    }
  }
  append(val) {
    const length = this.length++;
    if (length === this.size) {
      this.resize();
    }
    this.buf[length] = val;
  }
  clone() {
    return Buffer.from(this.buf.slice(0, this.length));
  }
  resize() {
    const length = this.length;
    this.size = this.size * 2;
    const buf = Buffer.allocUnsafe(this.size);
    this.buf.copy(buf, 0, 0, length);
    this.buf = buf;
  }
  toString(encoding) {
    if (encoding) {
      return this.buf.toString(encoding, 0, this.length);
    } else {
      return Uint8Array.prototype.slice.call(this.buf.slice(0, this.length));
    }
  }
  toJSON() {
    return this.toString("utf8");
  }
  reset() {
    this.length = 0;
  }
};
var ResizeableBuffer_default = ResizeableBuffer;

// node_modules/csv-parse/lib/api/init_state.js
var init_state = function(options) {
  const timchars = [
    // Basic Latin
    32,
    // [Space](https://www.fileformat.info/info/unicode/char/0020/index.htm)
    9,
    // [CHARACTER TABULATION (HT)](https://www.fileformat.info/info/unicode/char/0009/index.htm)
    10,
    // [LINE FEED (LF)](https://www.fileformat.info/info/unicode/char/000a/index.htm)
    13,
    // [CARRIAGE RETURN (CR)](https://www.fileformat.info/info/unicode/char/000d/index.htm)
    12,
    // [FORM FEED (FF)](https://www.fileformat.info/info/unicode/char/000c/index.htm)
    11,
    // [LINE TABULATION (VT)](https://www.fileformat.info/info/unicode/char/000b/index.htm)
    // Latin-1 Supplement
    160,
    // [NO-BREAK SPACE (NBSP)](https://www.fileformat.info/info/unicode/char/00a0/index.htm)
    // Ogham
    5760,
    // [OGHAM SPACE MARK](https://www.fileformat.info/info/unicode/char/1680/index.htm)
    // General Punctuation
    8192,
    // [EN QUAD](https://www.fileformat.info/info/unicode/char/2000/index.htm)
    8193,
    // [EM QUAD](https://www.fileformat.info/info/unicode/char/2001/index.htm)
    8194,
    // [EN SPACE](https://www.fileformat.info/info/unicode/char/2002/index.htm)
    8195,
    // [EM SPACE](https://www.fileformat.info/info/unicode/char/2003/index.htm)
    8196,
    // [THREE-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2004/index.htm)
    8197,
    // [FOUR-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2005/index.htm)
    8198,
    // [SIX-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2006/index.htm)
    8199,
    // [FIGURE SPACE](https://www.fileformat.info/info/unicode/char/2007/index.htm)
    8200,
    // [PUNCTUATION SPACE](https://www.fileformat.info/info/unicode/char/2008/index.htm)
    8201,
    // [THIN SPACE](https://www.fileformat.info/info/unicode/char/2009/index.htm)
    8202,
    // [HAIR SPACE](https://www.fileformat.info/info/unicode/char/200a/index.htm)
    8232,
    // [LINE SEPARATOR](https://www.fileformat.info/info/unicode/char/2028/index.htm)
    8233,
    // [PARAGRAPH SEPARATOR](https://www.fileformat.info/info/unicode/char/2029/index.htm)
    8239,
    // [NARROW NO-BREAK SPACE (NNBSP)](https://www.fileformat.info/info/unicode/char/202f/index.htm)
    8287,
    // [MEDIUM MATHEMATICAL SPACE (MMSP)](https://www.fileformat.info/info/unicode/char/205f/index.htm)
    12288,
    // [IDEOGRAPHIC SPACE](https://www.fileformat.info/info/unicode/char/3000/index.htm)
    65279
    // [ZERO WIDTH NO-BREAK SPACE (BOM)](https://www.fileformat.info/info/unicode/char/feff/index.htm)
  ].reduce((acc, codepoint) => {
    const encoded = Buffer.from(
      String.fromCharCode(codepoint),
      options.encoding
    );
    if (codepoint !== 63 && encoded.length === 1 && encoded[0] === 63) {
      return acc;
    }
    acc.push(encoded);
    return acc;
  }, []);
  const timcharFirstBytes = new Uint8Array(256);
  for (const t of timchars) timcharFirstBytes[t[0]] = 1;
  return {
    bomSkipped: false,
    bufBytesStart: 0,
    castField: options.cast_function,
    commenting: false,
    delimiterBufPrevious: void 0,
    delimiterDiscovered: false,
    // Current error encountered by a record
    error: void 0,
    enabled: options.from_line === 1,
    escaping: false,
    escapeIsQuote: Buffer.isBuffer(options.escape) && Buffer.isBuffer(options.quote) && Buffer.compare(options.escape, options.quote) === 0,
    // columns can be `false`, `true`, `Array`
    expectedRecordLength: Array.isArray(options.columns) ? options.columns.length : void 0,
    field: new ResizeableBuffer_default(20),
    firstLineToHeaders: options.cast_first_line_to_header,
    needMoreDataSize: Math.max(
      // Skip if the remaining buffer smaller than comment
      options.comment !== null ? options.comment.length : 0,
      ...options.delimiter ? options.delimiter.map((delimiter) => delimiter.length) : [],
      // Auto discovery of delimiter is limited to 1 character
      options.delimiter_auto ? 1 : 0,
      // Skip if the remaining buffer can be escape sequence
      options.quote !== null ? options.quote.length : 0,
      ...timchars.map((t) => t.length)
    ),
    previousBuf: void 0,
    quoting: false,
    stop: false,
    rawBuffer: new ResizeableBuffer_default(100),
    record: [],
    recordHasError: false,
    record_length: 0,
    recordDelimiterMaxLength: options.record_delimiter.length === 0 ? 0 : Math.max(...options.record_delimiter.map((v) => v.length)),
    trimChars: [
      Buffer.from(" ", options.encoding)[0],
      Buffer.from("	", options.encoding)[0]
    ],
    wasQuoting: false,
    wasRowDelimiter: false,
    timchars,
    timcharFirstBytes
  };
};

// node_modules/csv-parse/lib/utils/underscore.js
var underscore = function(str) {
  return str.replace(/([A-Z])/g, function(_, match) {
    return "_" + match.toLowerCase();
  });
};

// node_modules/csv-parse/lib/api/normalize_options.js
var normalize_options = function(opts) {
  const options = {};
  for (const opt in opts) {
    options[underscore(opt)] = opts[opt];
  }
  if (options.encoding === void 0 || options.encoding === true) {
    options.encoding = "utf8";
  } else if (options.encoding === null || options.encoding === false) {
    options.encoding = null;
  } else if (typeof options.encoding !== "string" && options.encoding !== null) {
    throw new CsvError(
      "CSV_INVALID_OPTION_ENCODING",
      [
        "Invalid option encoding:",
        "encoding must be a string or null to return a buffer,",
        `got ${JSON.stringify(options.encoding)}`
      ],
      options
    );
  }
  if (options.bom === void 0 || options.bom === null || options.bom === false) {
    options.bom = false;
  } else if (options.bom !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_BOM",
      [
        "Invalid option bom:",
        "bom must be true,",
        `got ${JSON.stringify(options.bom)}`
      ],
      options
    );
  }
  options.cast_function = null;
  if (options.cast === void 0 || options.cast === null || options.cast === false || options.cast === "") {
    options.cast = void 0;
  } else if (typeof options.cast === "function") {
    options.cast_function = options.cast;
    options.cast = true;
  } else if (options.cast !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST",
      [
        "Invalid option cast:",
        "cast must be true or a function,",
        `got ${JSON.stringify(options.cast)}`
      ],
      options
    );
  }
  if (options.cast_date === void 0 || options.cast_date === null || options.cast_date === false || options.cast_date === "") {
    options.cast_date = false;
  } else if (options.cast_date === true) {
    options.cast_date = function(value) {
      const date = Date.parse(value);
      return !isNaN(date) ? new Date(date) : value;
    };
  } else if (typeof options.cast_date !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST_DATE",
      [
        "Invalid option cast_date:",
        "cast_date must be true or a function,",
        `got ${JSON.stringify(options.cast_date)}`
      ],
      options
    );
  }
  options.cast_first_line_to_header = void 0;
  if (options.columns === true) {
    options.cast_first_line_to_header = void 0;
  } else if (typeof options.columns === "function") {
    options.cast_first_line_to_header = options.columns;
    options.columns = true;
  } else if (Array.isArray(options.columns)) {
    options.columns = normalize_columns_array(options.columns);
  } else if (options.columns === void 0 || options.columns === null || options.columns === false) {
    options.columns = false;
  } else {
    throw new CsvError(
      "CSV_INVALID_OPTION_COLUMNS",
      [
        "Invalid option columns:",
        "expect an array, a function or true,",
        `got ${JSON.stringify(options.columns)}`
      ],
      options
    );
  }
  if (options.group_columns_by_name === void 0 || options.group_columns_by_name === null || options.group_columns_by_name === false) {
    options.group_columns_by_name = false;
  } else if (options.group_columns_by_name !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "expect an boolean,",
        `got ${JSON.stringify(options.group_columns_by_name)}`
      ],
      options
    );
  } else if (options.columns === false) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "the `columns` mode must be activated."
      ],
      options
    );
  }
  if (options.comment === void 0 || options.comment === null || options.comment === false || options.comment === "") {
    options.comment = null;
  } else {
    if (typeof options.comment === "string") {
      options.comment = Buffer.from(options.comment, options.encoding);
    }
    if (!Buffer.isBuffer(options.comment)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_COMMENT",
        [
          "Invalid option comment:",
          "comment must be a buffer or a string,",
          `got ${JSON.stringify(options.comment)}`
        ],
        options
      );
    }
  }
  if (options.comment_no_infix === void 0 || options.comment_no_infix === null || options.comment_no_infix === false) {
    options.comment_no_infix = false;
  } else if (options.comment_no_infix !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_COMMENT",
      [
        "Invalid option comment_no_infix:",
        "value must be a boolean,",
        `got ${JSON.stringify(options.comment_no_infix)}`
      ],
      options
    );
  }
  if (options.delimiter_auto === void 0 || options.delimiter_auto === null || options.delimiter_auto === false) {
    options.delimiter_auto = false;
  } else if (options.delimiter_auto === true) {
    options.delimiter_auto = {};
  } else if (!is_object(options.delimiter_auto)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_DELIMITER_AUTO",
      [
        "Invalid option delimiter_auto:",
        "delimiter_auto must be a boolean or a configuration object,",
        `got ${JSON.stringify(options.delimiter_auto)}`
      ],
      options
    );
  }
  if (options.delimiter_auto) {
    if (options.delimiter_auto.preferred === void 0)
      options.delimiter_auto.preferred = {
        [",".charCodeAt(0)]: 1.8,
        ["	".charCodeAt(0)]: 1.8,
        [";".charCodeAt(0)]: 1.6,
        [" ".charCodeAt(0)]: 1.6,
        [":".charCodeAt(0)]: 1.5,
        [".".charCodeAt(0)]: 1.4,
        ["/".charCodeAt(0)]: 1.4
      };
    else if (!is_object(options.delimiter_auto.preferred)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "preferred must be an object,",
          `got ${JSON.stringify(options.delimiter_auto.preferred)}`
        ],
        options
      );
    }
    if (options.delimiter_auto.score === void 0)
      options.delimiter_auto.score = (info, options2) => {
        return (info.total - info.std) * (options2.preferred[info.char_code] || 1);
      };
    else if (typeof options.delimiter_auto.score !== "function") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "score must be a function,",
          `got ${JSON.stringify(options.delimiter_auto.score)}`
        ],
        options
      );
    }
    if (options.delimiter_auto.size === void 0)
      options.delimiter_auto.size = 2048;
    else if (typeof options.delimiter_auto.size !== "number") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "size must be a number,",
          `got ${JSON.stringify(options.delimiter_auto.size)}`
        ],
        options
      );
    }
  }
  const delimiter_json = JSON.stringify(options.delimiter);
  if (options.delimiter_auto !== false) {
    options.delimiter = [];
  }
  if (!Array.isArray(options.delimiter)) {
    if (options.delimiter === void 0 || options.delimiter === null || options.delimiter === false) {
      options.delimiter = Buffer.from(",", options.encoding);
    }
    options.delimiter = [options.delimiter];
  }
  options.delimiter = options.delimiter.map(function(delimiter) {
    if (typeof delimiter === "string") {
      delimiter = Buffer.from(delimiter, options.encoding);
    }
    if (!Buffer.isBuffer(delimiter) || delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER",
        [
          "Invalid option delimiter:",
          "delimiter must be a non empty string or buffer or array of string|buffer,",
          `got ${delimiter_json}`
        ],
        options
      );
    }
    return delimiter;
  });
  if (options.escape === void 0 || options.escape === true) {
    options.escape = Buffer.from('"', options.encoding);
  } else if (typeof options.escape === "string") {
    options.escape = Buffer.from(options.escape, options.encoding);
  } else if (options.escape === null || options.escape === false) {
    options.escape = null;
  }
  if (options.escape !== null) {
    if (!Buffer.isBuffer(options.escape)) {
      throw new Error(
        `Invalid Option: escape must be a buffer, a string or a boolean, got ${JSON.stringify(options.escape)}`
      );
    }
  }
  if (options.from === void 0 || options.from === null) {
    options.from = 1;
  } else {
    if (typeof options.from === "string" && /\d+/.test(options.from)) {
      options.from = parseInt(options.from);
    }
    if (Number.isInteger(options.from)) {
      if (options.from < 0) {
        throw new Error(
          `Invalid Option: from must be a positive integer, got ${JSON.stringify(opts.from)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from must be an integer, got ${JSON.stringify(options.from)}`
      );
    }
  }
  if (options.from_line === void 0 || options.from_line === null) {
    options.from_line = 1;
  } else {
    if (typeof options.from_line === "string" && /\d+/.test(options.from_line)) {
      options.from_line = parseInt(options.from_line);
    }
    if (Number.isInteger(options.from_line)) {
      if (options.from_line <= 0) {
        throw new Error(
          `Invalid Option: from_line must be a positive integer greater than 0, got ${JSON.stringify(opts.from_line)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from_line must be an integer, got ${JSON.stringify(opts.from_line)}`
      );
    }
  }
  if (options.ignore_last_delimiters === void 0 || options.ignore_last_delimiters === null) {
    options.ignore_last_delimiters = false;
  } else if (typeof options.ignore_last_delimiters === "number") {
    options.ignore_last_delimiters = Math.floor(options.ignore_last_delimiters);
    if (options.ignore_last_delimiters === 0) {
      options.ignore_last_delimiters = false;
    }
  } else if (typeof options.ignore_last_delimiters !== "boolean") {
    throw new CsvError(
      "CSV_INVALID_OPTION_IGNORE_LAST_DELIMITERS",
      [
        "Invalid option `ignore_last_delimiters`:",
        "the value must be a boolean value or an integer,",
        `got ${JSON.stringify(options.ignore_last_delimiters)}`
      ],
      options
    );
  }
  if (options.ignore_last_delimiters === true && options.columns === false) {
    throw new CsvError(
      "CSV_IGNORE_LAST_DELIMITERS_REQUIRES_COLUMNS",
      [
        "The option `ignore_last_delimiters`",
        "requires the activation of the `columns` option"
      ],
      options
    );
  }
  if (options.info === void 0 || options.info === null || options.info === false) {
    options.info = false;
  } else if (options.info !== true) {
    throw new Error(
      `Invalid Option: info must be true, got ${JSON.stringify(options.info)}`
    );
  }
  if (options.max_record_size === void 0 || options.max_record_size === null || options.max_record_size === false) {
    options.max_record_size = 0;
  } else if (Number.isInteger(options.max_record_size) && options.max_record_size >= 0) {
  } else if (typeof options.max_record_size === "string" && /\d+/.test(options.max_record_size)) {
    options.max_record_size = parseInt(options.max_record_size);
  } else {
    throw new Error(
      `Invalid Option: max_record_size must be a positive integer, got ${JSON.stringify(options.max_record_size)}`
    );
  }
  if (options.objname === void 0 || options.objname === null || options.objname === false) {
    options.objname = void 0;
  } else if (Buffer.isBuffer(options.objname)) {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty buffer`);
    }
    if (options.encoding === null) {
    } else {
      options.objname = options.objname.toString(options.encoding);
    }
  } else if (typeof options.objname === "string") {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty string`);
    }
  } else if (typeof options.objname === "number") {
  } else {
    throw new Error(
      `Invalid Option: objname must be a string or a buffer, got ${options.objname}`
    );
  }
  if (options.objname !== void 0) {
    if (typeof options.objname === "number") {
      if (options.columns !== false) {
        throw Error(
          "Invalid Option: objname index cannot be combined with columns or be defined as a field"
        );
      }
    } else {
      if (options.columns === false) {
        throw Error(
          "Invalid Option: objname field must be combined with columns or be defined as an index"
        );
      }
    }
  }
  if (options.on_record === void 0 || options.on_record === null) {
    options.on_record = void 0;
  } else if (typeof options.on_record !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_ON_RECORD",
      [
        "Invalid option `on_record`:",
        "expect a function,",
        `got ${JSON.stringify(options.on_record)}`
      ],
      options
    );
  }
  if (options.on_skip !== void 0 && options.on_skip !== null && typeof options.on_skip !== "function") {
    throw new Error(
      `Invalid Option: on_skip must be a function, got ${JSON.stringify(options.on_skip)}`
    );
  }
  if (options.quote === null || options.quote === false || options.quote === "") {
    options.quote = null;
  } else {
    if (options.quote === void 0 || options.quote === true) {
      options.quote = Buffer.from('"', options.encoding);
    } else if (typeof options.quote === "string") {
      options.quote = Buffer.from(options.quote, options.encoding);
    }
    if (!Buffer.isBuffer(options.quote)) {
      throw new Error(
        `Invalid Option: quote must be a buffer or a string, got ${JSON.stringify(options.quote)}`
      );
    }
  }
  if (options.raw === void 0 || options.raw === null || options.raw === false) {
    options.raw = false;
  } else if (options.raw !== true) {
    throw new Error(
      `Invalid Option: raw must be true, got ${JSON.stringify(options.raw)}`
    );
  }
  if (options.record_delimiter === void 0) {
    options.record_delimiter = [];
  } else if (typeof options.record_delimiter === "string" || Buffer.isBuffer(options.record_delimiter)) {
    if (options.record_delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer,",
          `got ${JSON.stringify(options.record_delimiter)}`
        ],
        options
      );
    }
    options.record_delimiter = [options.record_delimiter];
  } else if (!Array.isArray(options.record_delimiter)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_RECORD_DELIMITER",
      [
        "Invalid option `record_delimiter`:",
        "value must be a string, a buffer or array of string|buffer,",
        `got ${JSON.stringify(options.record_delimiter)}`
      ],
      options
    );
  }
  options.record_delimiter = options.record_delimiter.map(function(rd, i) {
    if (typeof rd !== "string" && !Buffer.isBuffer(rd)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a string, a buffer or array of string|buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`
        ],
        options
      );
    } else if (rd.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`
        ],
        options
      );
    }
    if (typeof rd === "string") {
      rd = Buffer.from(rd, options.encoding);
    }
    return rd;
  });
  if (typeof options.relax_column_count === "boolean") {
  } else if (options.relax_column_count === void 0 || options.relax_column_count === null) {
    options.relax_column_count = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count must be a boolean, got ${JSON.stringify(options.relax_column_count)}`
    );
  }
  if (typeof options.relax_column_count_less === "boolean") {
  } else if (options.relax_column_count_less === void 0 || options.relax_column_count_less === null) {
    options.relax_column_count_less = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_less must be a boolean, got ${JSON.stringify(options.relax_column_count_less)}`
    );
  }
  if (typeof options.relax_column_count_more === "boolean") {
  } else if (options.relax_column_count_more === void 0 || options.relax_column_count_more === null) {
    options.relax_column_count_more = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_more must be a boolean, got ${JSON.stringify(options.relax_column_count_more)}`
    );
  }
  if (typeof options.relax_quotes === "boolean") {
  } else if (options.relax_quotes === void 0 || options.relax_quotes === null) {
    options.relax_quotes = false;
  } else {
    throw new Error(
      `Invalid Option: relax_quotes must be a boolean, got ${JSON.stringify(options.relax_quotes)}`
    );
  }
  if (typeof options.skip_empty_lines === "boolean") {
  } else if (options.skip_empty_lines === void 0 || options.skip_empty_lines === null) {
    options.skip_empty_lines = false;
  } else {
    throw new Error(
      `Invalid Option: skip_empty_lines must be a boolean, got ${JSON.stringify(options.skip_empty_lines)}`
    );
  }
  if (typeof options.skip_records_with_empty_values === "boolean") {
  } else if (options.skip_records_with_empty_values === void 0 || options.skip_records_with_empty_values === null) {
    options.skip_records_with_empty_values = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_empty_values must be a boolean, got ${JSON.stringify(options.skip_records_with_empty_values)}`
    );
  }
  if (typeof options.skip_records_with_error === "boolean") {
  } else if (options.skip_records_with_error === void 0 || options.skip_records_with_error === null) {
    options.skip_records_with_error = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_error must be a boolean, got ${JSON.stringify(options.skip_records_with_error)}`
    );
  }
  if (options.rtrim === void 0 || options.rtrim === null || options.rtrim === false) {
    options.rtrim = false;
  } else if (options.rtrim !== true) {
    throw new Error(
      `Invalid Option: rtrim must be a boolean, got ${JSON.stringify(options.rtrim)}`
    );
  }
  if (options.ltrim === void 0 || options.ltrim === null || options.ltrim === false) {
    options.ltrim = false;
  } else if (options.ltrim !== true) {
    throw new Error(
      `Invalid Option: ltrim must be a boolean, got ${JSON.stringify(options.ltrim)}`
    );
  }
  if (options.trim === void 0 || options.trim === null || options.trim === false) {
    options.trim = false;
  } else if (options.trim !== true) {
    throw new Error(
      `Invalid Option: trim must be a boolean, got ${JSON.stringify(options.trim)}`
    );
  }
  if (options.trim === true && opts.ltrim !== false) {
    options.ltrim = true;
  } else if (options.ltrim !== true) {
    options.ltrim = false;
  }
  if (options.trim === true && opts.rtrim !== false) {
    options.rtrim = true;
  } else if (options.rtrim !== true) {
    options.rtrim = false;
  }
  if (options.to === void 0 || options.to === null) {
    options.to = -1;
  } else if (options.to !== -1) {
    if (typeof options.to === "string" && /\d+/.test(options.to)) {
      options.to = parseInt(options.to);
    }
    if (Number.isInteger(options.to)) {
      if (options.to <= 0) {
        throw new Error(
          `Invalid Option: to must be a positive integer greater than 0, got ${JSON.stringify(opts.to)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to must be an integer, got ${JSON.stringify(opts.to)}`
      );
    }
  }
  if (options.to_line === void 0 || options.to_line === null) {
    options.to_line = -1;
  } else if (options.to_line !== -1) {
    if (typeof options.to_line === "string" && /\d+/.test(options.to_line)) {
      options.to_line = parseInt(options.to_line);
    }
    if (Number.isInteger(options.to_line)) {
      if (options.to_line <= 0) {
        throw new Error(
          `Invalid Option: to_line must be a positive integer greater than 0, got ${JSON.stringify(opts.to_line)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to_line must be an integer, got ${JSON.stringify(opts.to_line)}`
      );
    }
  }
  return options;
};

// node_modules/csv-parse/lib/utils/delimiter_discover.js
var delimiter_discover = function(records, options) {
  if (!options) {
    ({ delimiter_auto: options } = normalize_options({ delimiter_auto: true }));
  }
  if (typeof records === "string") {
    records = Buffer.from(records);
  }
  if (Buffer.isBuffer(records)) {
    records = ((data) => {
      const records2 = [];
      const parser = transform({ delimiter: [] });
      const push2 = (record) => records2.push(record);
      const close = () => {
      };
      const error = parser.parse(data, true, push2, close);
      if (error !== void 0) throw error;
      return records2;
    })(records);
  }
  const info = Array(127).fill().map(() => ({ lines: [] }));
  records.map(([record], line) => {
    for (let i = 0, l = record.length; i < l; i++) {
      const code = record.charCodeAt(i);
      if (info[code].lines[line] === void 0) info[code].lines[line] = 0;
      info[code].lines[line]++;
    }
  });
  info.map((info2, i) => {
    info2.char_code = i;
    info2.std = std(info2.lines);
    info2.total = info2.lines.reduce((acc, val) => acc + val, 0);
    info2.preferred = !!options.preferred[i];
    info2.score = options.score(info2, options);
  });
  const result = info.reduce(
    (acc, info2) => acc.score > info2.score ? acc : info2,
    {}
  );
  return String.fromCharCode(result.char_code);
};
var std = function(array) {
  const n = array.length;
  if (n === 0) return 0;
  const mean = array.reduce((a, b) => a + b) / n;
  return Math.sqrt(
    array.map((x) => Math.pow(x - mean, 2)).reduce((a, b) => a + b) / n
  );
};

// node_modules/csv-parse/lib/api/index.js
var isRecordEmpty = function(record) {
  return record.every(
    (field) => field == null || field.toString && field.toString().trim() === ""
  );
};
var cr = 13;
var nl = 10;
var boms = {
  // Note, the following are equals:
  // Buffer.from("\ufeff")
  // Buffer.from([239, 187, 191])
  // Buffer.from('EFBBBF', 'hex')
  utf8: Buffer.from([239, 187, 191]),
  // Note, the following are equals:
  // Buffer.from "\ufeff", 'utf16le
  // Buffer.from([255, 254])
  utf16le: Buffer.from([255, 254])
};
var transform = function(original_options = {}) {
  const info = {
    bytes: 0,
    bytes_records: 0,
    comment_lines: 0,
    empty_lines: 0,
    invalid_field_length: 0,
    lines: 1,
    records: 0
  };
  const options = normalize_options(original_options);
  return {
    info,
    original_options,
    options,
    state: init_state(options),
    __needMoreData: function(i, bufLen, end) {
      if (end) return false;
      const { encoding, escape, quote } = this.options;
      const { quoting, needMoreDataSize, recordDelimiterMaxLength } = this.state;
      const numOfCharLeft = bufLen - i - 1;
      const requiredLength = Math.max(
        needMoreDataSize,
        // Skip if the remaining buffer smaller than record delimiter
        // If "record_delimiter" is yet to be discovered:
        // 1. It is equals to `[]` and "recordDelimiterMaxLength" equals `0`
        // 2. We set the length to windows line ending in the current encoding
        // Note, that encoding is known from user or bom discovery at that point
        // recordDelimiterMaxLength,
        recordDelimiterMaxLength === 0 ? Buffer.from("\r\n", encoding).length : recordDelimiterMaxLength,
        // Skip if remaining buffer can be an escaped quote
        quoting ? (escape === null ? 0 : escape.length) + quote.length : 0,
        // Skip if remaining buffer can be record delimiter following the closing quote
        quoting ? quote.length + recordDelimiterMaxLength : 0
      );
      return numOfCharLeft < requiredLength;
    },
    // Central parser implementation
    parse: function(nextBuf, end, push2, close) {
      const {
        bom,
        comment_no_infix,
        delimiter_auto,
        encoding,
        from_line,
        ltrim,
        max_record_size,
        raw,
        relax_quotes,
        rtrim,
        skip_empty_lines,
        to,
        to_line
      } = this.options;
      let { comment, escape, quote, record_delimiter } = this.options;
      const {
        bomSkipped,
        delimiterDiscovered,
        delimiterBufPrevious,
        rawBuffer,
        escapeIsQuote
      } = this.state;
      if (!delimiterDiscovered && delimiter_auto) {
        let delimiterBuf;
        if (delimiterBufPrevious === void 0) {
          delimiterBuf = nextBuf;
        } else if (delimiterBufPrevious !== void 0 && nextBuf === void 0) {
          delimiterBuf = delimiterBufPrevious;
        } else {
          delimiterBuf = Buffer.concat([delimiterBufPrevious, nextBuf]);
        }
        nextBuf = void 0;
        if (end || delimiterBuf.length > delimiter_auto.size) {
          this.options.delimiter = [
            Buffer.from(
              delimiter_discover(delimiterBuf, this.options.delimiter_auto)
            )
          ];
          this.state.previousBuf = delimiterBuf;
          this.state.delimiterBufPrevious = void 0;
          this.state.delimiterDiscovered = true;
        } else {
          this.state.delimiterBufPrevious = delimiterBuf;
          return;
        }
      }
      const { previousBuf } = this.state;
      let buf;
      if (previousBuf === void 0) {
        if (nextBuf === void 0) {
          close();
          return;
        } else {
          buf = nextBuf;
        }
      } else if (previousBuf !== void 0 && nextBuf === void 0) {
        buf = previousBuf;
      } else {
        buf = Buffer.concat([previousBuf, nextBuf]);
      }
      if (bomSkipped === false) {
        if (bom === false) {
          this.state.bomSkipped = true;
        } else if (buf.length < 3) {
          if (end === false) {
            this.state.previousBuf = buf;
            return;
          }
        } else {
          for (const encoding2 in boms) {
            if (boms[encoding2].compare(buf, 0, boms[encoding2].length) === 0) {
              const bomLength = boms[encoding2].length;
              this.state.bufBytesStart += bomLength;
              buf = buf.slice(bomLength);
              const options2 = normalize_options({
                ...this.original_options,
                encoding: encoding2
              });
              for (const key in options2) {
                this.options[key] = options2[key];
              }
              ({ comment, escape, quote } = this.options);
              break;
            }
          }
          this.state.bomSkipped = true;
        }
      }
      const bufLen = buf.length;
      let pos;
      for (pos = 0; pos < bufLen; pos++) {
        if (this.__needMoreData(pos, bufLen, end)) {
          break;
        }
        if (this.state.wasRowDelimiter === true) {
          this.info.lines++;
          this.state.wasRowDelimiter = false;
        }
        if (to_line !== -1 && this.info.lines > to_line) {
          this.state.stop = true;
          close();
          return;
        }
        if (this.state.quoting === false && record_delimiter.length === 0) {
          const record_delimiterCount = this.__autoDiscoverRecordDelimiter(
            buf,
            pos
          );
          if (record_delimiterCount) {
            record_delimiter = this.options.record_delimiter;
          }
        }
        const chr = buf[pos];
        if (raw === true) {
          rawBuffer.append(chr);
        }
        if ((chr === cr || chr === nl) && this.state.wasRowDelimiter === false) {
          this.state.wasRowDelimiter = true;
        }
        if (this.state.escaping === true) {
          this.state.escaping = false;
        } else {
          if (escape !== null && this.state.quoting === true && this.__isEscape(buf, pos, chr) && pos + escape.length < bufLen) {
            if (escapeIsQuote) {
              if (this.__isQuote(buf, pos + escape.length)) {
                this.state.escaping = true;
                pos += escape.length - 1;
                continue;
              }
            } else {
              this.state.escaping = true;
              pos += escape.length - 1;
              continue;
            }
          }
          if (this.state.commenting === false && this.__isQuote(buf, pos)) {
            if (this.state.quoting === true) {
              const nextChr = buf[pos + quote.length];
              const isNextChrTrimable = rtrim && this.__isCharTrimable(buf, pos + quote.length);
              const isNextChrComment = comment !== null && this.__compareBytes(comment, buf, pos + quote.length, nextChr);
              const isNextChrDelimiter = this.__isDelimiter(
                buf,
                pos + quote.length,
                nextChr
              );
              const isNextChrRecordDelimiter = record_delimiter.length === 0 ? this.__autoDiscoverRecordDelimiter(buf, pos + quote.length) : this.__isRecordDelimiter(nextChr, buf, pos + quote.length);
              if (escape !== null && this.__isEscape(buf, pos, chr) && this.__isQuote(buf, pos + escape.length)) {
                pos += escape.length - 1;
              } else if (!nextChr || isNextChrDelimiter || isNextChrRecordDelimiter || isNextChrComment || isNextChrTrimable) {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                pos += quote.length - 1;
                continue;
              } else if (relax_quotes === false) {
                const err = this.__error(
                  new CsvError(
                    "CSV_INVALID_CLOSING_QUOTE",
                    [
                      "Invalid Closing Quote:",
                      `got "${String.fromCharCode(nextChr)}"`,
                      `at line ${this.info.lines}`,
                      "instead of delimiter, record delimiter, trimable character",
                      "(if activated) or comment"
                    ],
                    this.options,
                    this.__infoField()
                  )
                );
                if (err !== void 0) return err;
              } else {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                this.state.field.prepend(quote);
                pos += quote.length - 1;
              }
            } else {
              if (this.state.field.length !== 0) {
                if (relax_quotes === false) {
                  const info2 = this.__infoField();
                  const bom2 = Object.keys(boms).map(
                    (b) => boms[b].equals(this.state.field.toString()) ? b : false
                  ).filter(Boolean)[0];
                  const err = this.__error(
                    new CsvError(
                      "INVALID_OPENING_QUOTE",
                      [
                        "Invalid Opening Quote:",
                        `a quote is found on field ${JSON.stringify(info2.column)} at line ${info2.lines}, value is ${JSON.stringify(this.state.field.toString(encoding))}`,
                        bom2 ? `(${bom2} bom)` : void 0
                      ],
                      this.options,
                      info2,
                      {
                        field: this.state.field
                      }
                    )
                  );
                  if (err !== void 0) return err;
                }
              } else {
                this.state.quoting = true;
                pos += quote.length - 1;
                continue;
              }
            }
          }
          if (this.state.quoting === false) {
            const recordDelimiterLength = this.__isRecordDelimiter(
              chr,
              buf,
              pos
            );
            if (recordDelimiterLength !== 0) {
              const skipCommentLine = this.state.commenting && this.state.wasQuoting === false && this.state.record.length === 0 && this.state.field.length === 0;
              if (skipCommentLine) {
                this.info.comment_lines++;
              } else {
                if (this.state.enabled === false && this.info.lines + (this.state.wasRowDelimiter === true ? 1 : 0) >= from_line) {
                  this.state.enabled = true;
                  this.__resetField();
                  this.__resetRecord();
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                if (skip_empty_lines === true && this.state.wasQuoting === false && this.state.record.length === 0 && this.state.field.length === 0) {
                  this.info.empty_lines++;
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                this.info.bytes = this.state.bufBytesStart + pos;
                const errField = this.__onField();
                if (errField !== void 0) return errField;
                this.info.bytes = this.state.bufBytesStart + pos + recordDelimiterLength;
                const errRecord = this.__onRecord(push2);
                if (errRecord !== void 0) return errRecord;
                if (to !== -1 && this.info.records >= to) {
                  this.state.stop = true;
                  close();
                  return;
                }
              }
              this.state.commenting = false;
              pos += recordDelimiterLength - 1;
              continue;
            }
            if (this.state.commenting) {
              continue;
            }
            if (comment !== null && (comment_no_infix === false || this.state.record.length === 0 && this.state.field.length === 0)) {
              const commentCount = this.__compareBytes(comment, buf, pos, chr);
              if (commentCount !== 0) {
                this.state.commenting = true;
                continue;
              }
            }
            const delimiterLength = this.__isDelimiter(buf, pos, chr);
            if (delimiterLength !== 0) {
              this.info.bytes = this.state.bufBytesStart + pos;
              const errField = this.__onField();
              if (errField !== void 0) return errField;
              pos += delimiterLength - 1;
              continue;
            }
          }
        }
        if (this.state.commenting === false) {
          if (max_record_size !== 0 && this.state.record_length + this.state.field.length > max_record_size) {
            return this.__error(
              new CsvError(
                "CSV_MAX_RECORD_SIZE",
                [
                  "Max Record Size:",
                  "record exceed the maximum number of tolerated bytes",
                  `of ${max_record_size}`,
                  `at line ${this.info.lines}`
                ],
                this.options,
                this.__infoField()
              )
            );
          }
        }
        const lappend = ltrim === false || this.state.quoting === true || this.state.field.length !== 0 || !this.__isCharTrimable(buf, pos);
        const rappend = rtrim === false || this.state.wasQuoting === false;
        if (lappend === true && rappend === true) {
          this.state.field.append(chr);
        } else if (rtrim === true && !this.__isCharTrimable(buf, pos)) {
          return this.__error(
            new CsvError(
              "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
              [
                "Invalid Closing Quote:",
                "found non trimable byte after quote",
                `at line ${this.info.lines}`
              ],
              this.options,
              this.__infoField()
            )
          );
        } else {
          if (lappend === false) {
            pos += this.__isCharTrimable(buf, pos) - 1;
          }
          continue;
        }
      }
      if (end === true) {
        if (this.state.quoting === true) {
          const err = this.__error(
            new CsvError(
              "CSV_QUOTE_NOT_CLOSED",
              [
                "Quote Not Closed:",
                `the parsing is finished with an opening quote at line ${this.info.lines}`
              ],
              this.options,
              this.__infoField()
            )
          );
          if (err !== void 0) return err;
        } else {
          if (this.state.wasQuoting === true || this.state.record.length !== 0 || this.state.field.length !== 0) {
            this.info.bytes = this.state.bufBytesStart + pos;
            const errField = this.__onField();
            if (errField !== void 0) return errField;
            const errRecord = this.__onRecord(push2);
            if (errRecord !== void 0) return errRecord;
          } else if (this.state.wasRowDelimiter === true) {
            this.info.empty_lines++;
          } else if (this.state.commenting === true) {
            this.info.comment_lines++;
          }
        }
      } else {
        this.state.bufBytesStart += pos;
        this.state.previousBuf = buf.slice(pos);
      }
      if (this.state.wasRowDelimiter === true) {
        this.info.lines++;
        this.state.wasRowDelimiter = false;
      }
    },
    __onRecord: function(push2) {
      const {
        columns,
        group_columns_by_name,
        encoding,
        info: info2,
        from,
        relax_column_count,
        relax_column_count_less,
        relax_column_count_more,
        raw,
        skip_records_with_empty_values
      } = this.options;
      const { enabled, record } = this.state;
      if (enabled === false) {
        return this.__resetRecord();
      }
      const recordLength = record.length;
      if (columns === true) {
        if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
          this.__resetRecord();
          return;
        }
        return this.__firstLineToColumns(record);
      }
      if (columns === false && this.info.records === 0) {
        this.state.expectedRecordLength = recordLength;
      }
      if (recordLength !== this.state.expectedRecordLength) {
        const err = columns === false ? new CsvError(
          "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH",
          [
            "Invalid Record Length:",
            `expect ${this.state.expectedRecordLength},`,
            `got ${recordLength} on line ${this.info.lines}`
          ],
          this.options,
          this.__infoField(),
          {
            record
          }
        ) : new CsvError(
          "CSV_RECORD_INCONSISTENT_COLUMNS",
          [
            "Invalid Record Length:",
            `columns length is ${columns.length},`,
            // rename columns
            `got ${recordLength} on line ${this.info.lines}`
          ],
          this.options,
          this.__infoField(),
          {
            record
          }
        );
        if (relax_column_count === true || relax_column_count_less === true && recordLength < this.state.expectedRecordLength || relax_column_count_more === true && recordLength > this.state.expectedRecordLength) {
          this.info.invalid_field_length++;
          this.state.error = err;
        } else {
          const finalErr = this.__error(err);
          if (finalErr) return finalErr;
        }
      }
      if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
        this.__resetRecord();
        return;
      }
      if (this.state.recordHasError === true) {
        this.__resetRecord();
        this.state.recordHasError = false;
        return;
      }
      this.info.records++;
      if (from === 1 || this.info.records >= from) {
        const { objname } = this.options;
        if (columns !== false) {
          const obj = {};
          for (let i = 0, l = record.length; i < l; i++) {
            if (columns[i] === void 0 || columns[i].disabled) continue;
            if (group_columns_by_name === true && Object.hasOwn(obj, columns[i].name)) {
              if (Array.isArray(obj[columns[i].name])) {
                obj[columns[i].name] = obj[columns[i].name].concat(record[i]);
              } else {
                obj[columns[i].name] = [obj[columns[i].name], record[i]];
              }
            } else {
              Object.defineProperty(obj, columns[i].name, {
                value: record[i],
                enumerable: true,
                writable: true,
                configurable: true
              });
            }
          }
          if (raw === true || info2 === true) {
            const extRecord = Object.assign(
              { record: obj },
              raw === true ? { raw: this.state.rawBuffer.toString(encoding) } : {},
              info2 === true ? { info: this.__infoRecord() } : {}
            );
            const err = this.__push(
              objname === void 0 ? extRecord : [obj[objname], extRecord],
              push2
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === void 0 ? obj : [obj[objname], obj],
              push2
            );
            if (err) {
              return err;
            }
          }
        } else {
          if (raw === true || info2 === true) {
            const extRecord = Object.assign(
              { record },
              raw === true ? { raw: this.state.rawBuffer.toString(encoding) } : {},
              info2 === true ? { info: this.__infoRecord() } : {}
            );
            const err = this.__push(
              objname === void 0 ? extRecord : [record[objname], extRecord],
              push2
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === void 0 ? record : [record[objname], record],
              push2
            );
            if (err) {
              return err;
            }
          }
        }
      }
      this.__resetRecord();
    },
    __firstLineToColumns: function(record) {
      const { firstLineToHeaders } = this.state;
      try {
        const headers = firstLineToHeaders === void 0 ? record : firstLineToHeaders.call(null, record);
        if (!Array.isArray(headers)) {
          return this.__error(
            new CsvError(
              "CSV_INVALID_COLUMN_MAPPING",
              [
                "Invalid Column Mapping:",
                "expect an array from column function,",
                `got ${JSON.stringify(headers)}`
              ],
              this.options,
              this.__infoField(),
              {
                headers
              }
            )
          );
        }
        const normalizedHeaders = normalize_columns_array(headers);
        this.state.expectedRecordLength = normalizedHeaders.length;
        this.options.columns = normalizedHeaders;
        this.__resetRecord();
        return;
      } catch (err) {
        return err;
      }
    },
    __resetRecord: function() {
      if (this.options.raw === true) {
        this.state.rawBuffer.reset();
      }
      this.state.error = void 0;
      this.state.record = [];
      this.state.record_length = 0;
    },
    __onField: function() {
      const { cast, encoding, rtrim, max_record_size } = this.options;
      const { enabled, wasQuoting } = this.state;
      if (enabled === false) {
        return this.__resetField();
      }
      let field = this.state.field.toString(encoding);
      if (rtrim === true && wasQuoting === false) {
        field = field.trimRight();
      }
      if (cast === true) {
        const [err, f] = this.__cast(field);
        if (err !== void 0) return err;
        field = f;
      }
      this.state.record.push(field);
      if (max_record_size !== 0 && typeof field === "string") {
        this.state.record_length += field.length;
      }
      this.__resetField();
    },
    __resetField: function() {
      this.state.field.reset();
      this.state.wasQuoting = false;
    },
    __push: function(record, push2) {
      const { on_record } = this.options;
      if (on_record !== void 0) {
        const info2 = this.__infoRecord();
        try {
          record = on_record.call(null, record, info2);
        } catch (err) {
          return err;
        }
        if (record === void 0 || record === null) {
          return;
        }
      }
      this.info.bytes_records += this.info.bytes;
      push2(record);
    },
    // Return a tuple with the error and the casted value
    __cast: function(field) {
      const { columns, relax_column_count } = this.options;
      const isColumns = Array.isArray(columns);
      if (isColumns === true && relax_column_count && this.options.columns.length <= this.state.record.length) {
        return [void 0, void 0];
      }
      if (this.state.castField !== null) {
        try {
          const info2 = this.__infoField();
          return [void 0, this.state.castField.call(null, field, info2)];
        } catch (err) {
          return [err];
        }
      }
      if (this.__isFloat(field)) {
        return [void 0, parseFloat(field)];
      } else if (this.options.cast_date !== false) {
        const info2 = this.__infoField();
        return [void 0, this.options.cast_date.call(null, field, info2)];
      }
      return [void 0, field];
    },
    __compareBytes: function(sourceBuf, targetBuf, targetPos, firstByte) {
      if (sourceBuf[0] !== firstByte) return 0;
      const sourceLength = sourceBuf.length;
      for (let i = 1; i < sourceLength; i++) {
        if (sourceBuf[i] !== targetBuf[targetPos + i]) return 0;
      }
      return sourceLength;
    },
    // Helper to test if a character is trimable
    __isCharTrimable: function(buf, pos) {
      const { timchars, timcharFirstBytes } = this.state;
      const first = buf[pos];
      if (first === void 0 || timcharFirstBytes[first] === 0) return 0;
      loop1: for (let i = 0; i < timchars.length; i++) {
        const timchar = timchars[i];
        for (let j = 0; j < timchar.length; j++) {
          if (timchar[j] !== buf[pos + j]) continue loop1;
        }
        return timchar.length;
      }
      return 0;
    },
    __isDelimiter: function(buf, pos, chr) {
      const { delimiter, ignore_last_delimiters } = this.options;
      if (ignore_last_delimiters === true && this.state.record.length === this.options.columns.length - 1) {
        return 0;
      } else if (ignore_last_delimiters !== false && typeof ignore_last_delimiters === "number" && this.state.record.length === ignore_last_delimiters - 1) {
        return 0;
      }
      loop1: for (let i = 0; i < delimiter.length; i++) {
        const del = delimiter[i];
        if (del[0] === chr) {
          for (let j = 1; j < del.length; j++) {
            if (del[j] !== buf[pos + j]) continue loop1;
          }
          return del.length;
        }
      }
      return 0;
    },
    __isEscape: function(buf, pos, chr) {
      const { escape } = this.options;
      if (escape === null) return false;
      const l = escape.length;
      if (escape[0] === chr) {
        for (let i = 0; i < l; i++) {
          if (escape[i] !== buf[pos + i]) {
            return false;
          }
        }
        return true;
      }
      return false;
    },
    __isFloat: function(value) {
      return value - parseFloat(value) + 1 >= 0;
    },
    // Keep it in case we implement the `cast_int` option
    // __isInt(value){
    //   // return Number.isInteger(parseInt(value))
    //   // return !isNaN( parseInt( obj ) );
    //   return /^(\-|\+)?[1-9][0-9]*$/.test(value)
    // }
    __isQuote: function(buf, pos) {
      const { quote } = this.options;
      if (quote === null) return false;
      const l = quote.length;
      for (let i = 0; i < l; i++) {
        if (quote[i] !== buf[pos + i]) {
          return false;
        }
      }
      return true;
    },
    __isRecordDelimiter: function(chr, buf, pos) {
      const { record_delimiter } = this.options;
      const recordDelimiterLength = record_delimiter.length;
      loop1: for (let i = 0; i < recordDelimiterLength; i++) {
        const rd = record_delimiter[i];
        const rdLength = rd.length;
        if (rd[0] !== chr) {
          continue;
        }
        for (let j = 1; j < rdLength; j++) {
          if (rd[j] !== buf[pos + j]) {
            continue loop1;
          }
        }
        return rd.length;
      }
      return 0;
    },
    __autoDiscoverRecordDelimiter: function(buf, pos) {
      const { encoding } = this.options;
      const rds = [
        // Important, the windows line ending must be before mac os 9
        Buffer.from("\r\n", encoding),
        Buffer.from("\n", encoding),
        Buffer.from("\r", encoding)
      ];
      loop: for (let i = 0; i < rds.length; i++) {
        const l = rds[i].length;
        for (let j = 0; j < l; j++) {
          if (rds[i][j] !== buf[pos + j]) {
            continue loop;
          }
        }
        this.options.record_delimiter.push(rds[i]);
        this.state.recordDelimiterMaxLength = rds[i].length;
        return rds[i].length;
      }
      return 0;
    },
    __error: function(msg) {
      const { encoding, raw, skip_records_with_error } = this.options;
      const err = typeof msg === "string" ? new Error(msg) : msg;
      if (skip_records_with_error) {
        this.state.recordHasError = true;
        if (this.options.on_skip !== void 0) {
          try {
            this.options.on_skip(
              err,
              raw ? this.state.rawBuffer.toString(encoding) : void 0
            );
          } catch (err2) {
            return err2;
          }
        }
        return void 0;
      } else {
        return err;
      }
    },
    __infoDataSet: function() {
      return {
        ...this.info,
        columns: this.options.columns
      };
    },
    __infoRecord: function() {
      const { columns, raw, encoding } = this.options;
      return {
        ...this.__infoDataSet(),
        bytes_records: this.info.bytes,
        error: this.state.error,
        header: columns === true,
        index: this.state.record.length,
        raw: raw ? this.state.rawBuffer.toString(encoding) : void 0
      };
    },
    __infoField: function() {
      const { columns } = this.options;
      const isColumns = Array.isArray(columns);
      const bytes_records = this.info.bytes_records;
      return {
        ...this.__infoRecord(),
        bytes_records,
        column: isColumns === true ? columns.length > this.state.record.length ? columns[this.state.record.length].name : null : this.state.record.length,
        quoting: this.state.wasQuoting
      };
    }
  };
};

// node_modules/csv-parse/lib/sync.js
var parse = function(data, opts = {}) {
  if (typeof data === "string") {
    data = Buffer.from(data);
  }
  const records = opts && opts.objname ? /* @__PURE__ */ Object.create(null) : [];
  const parser = transform(opts);
  const push2 = (record) => {
    if (parser.options.objname === void 0) records.push(record);
    else {
      records[record[0]] = record[1];
    }
  };
  const close = () => {
  };
  const error = parser.parse(data, true, push2, close);
  if (error !== void 0) throw error;
  return records;
};

// src/lists.ts
function parseList(input, options = {}) {
  if (input === "") return [];
  const records = parse(input, {
    columns: false,
    relaxQuotes: true,
    comment: options.comment,
    comment_no_infix: options.commentNoInfix,
    relaxColumnCount: true,
    skipEmptyLines: true,
    quote: options.quote
  });
  const entries = [];
  for (const record of records) {
    if (record.length === 1) {
      if (options.ignoreComma) entries.push(record[0]);
      else entries.push(...record[0].split(","));
    } else if (!options.ignoreComma) {
      entries.push(...record);
    } else {
      entries.push(record.join(","));
    }
  }
  return entries.filter((entry) => entry).map((entry) => options.trimWhitespace === false ? entry : entry.trim());
}
function splitKeyValue(entry) {
  const at = entry.indexOf("=");
  if (at <= 0) return void 0;
  return { key: entry.slice(0, at).trim(), value: entry.slice(at + 1) };
}

// src/build/cache-spec.ts
var EXPORT_COMMON = [
  "mode",
  "ignore-error",
  "compression",
  "compression-level",
  "force-compression",
  "oci-mediatypes",
  "image-manifest"
];
var S3 = [
  "bucket",
  "region",
  "prefix",
  "manifests_prefix",
  "blobs_prefix",
  "name",
  "touch_refresh",
  "endpoint_url",
  "access_key_id",
  "secret_access_key",
  "session_token",
  "use_path_style",
  "upload_parallelism",
  "disable_accept_encoding",
  "retry_mode",
  "retry_max_attempts"
];
var AZBLOB = [
  "secret_access_key",
  "account_name",
  "account_url",
  "prefix",
  "manifests_prefix",
  "blobs_prefix",
  "name",
  "container"
];
var GHA = ["scope", "timeout", "token", "url", "url_v2", "repository", "ghtoken", "version"];
var KEYS = {
  registry: { keys: ["ref", "registry.insecure", ...EXPORT_COMMON], required: { from: "ref", to: "ref" } },
  local: { keys: ["src", "dest", "digest", "tag", ...EXPORT_COMMON], required: { from: "src", to: "dest" } },
  gha: { keys: [...GHA, ...EXPORT_COMMON] },
  s3: { keys: [...S3, ...EXPORT_COMMON], required: { from: "bucket", to: "bucket" } },
  azblob: { keys: [...AZBLOB, ...EXPORT_COMMON] },
  inline: { keys: [...EXPORT_COMMON] }
};
var BOOLEANS = ["ignore-error", "force-compression", "oci-mediatypes", "image-manifest", "registry.insecure"];
var ENUMS = {
  mode: ["min", "max"],
  compression: ["uncompressed", "gzip", "estargz", "zstd"]
};
function cacheSpecProblem(entry, direction) {
  if (!entry.includes("=")) {
    return /^[\w.:/@-]+$/.test(entry) ? void 0 : "is neither type=...,key=value nor an image reference";
  }
  let fields2;
  try {
    fields2 = parse(entry, { relaxQuotes: false })[0] ?? [];
  } catch {
    return "has unbalanced quotes";
  }
  const attrs = /* @__PURE__ */ new Map();
  for (const field of fields2) {
    const at = field.indexOf("=");
    if (at <= 0) return "has a field that is not key=value";
    const key = field.slice(0, at).trim().toLowerCase();
    if (attrs.has(key)) return `gives "${key}" twice`;
    attrs.set(key, field.slice(at + 1));
  }
  const type = attrs.get("type");
  if (type === void 0) return "has no type= (use type=registry, local, gha, s3, azblob or inline)";
  const known = KEYS[type];
  if (!known) return `has an unknown type "${type.slice(0, 20)}"; use registry, local, gha, s3, azblob or inline`;
  if (type === "inline" && direction === "from") return "uses type=inline, which only cache-to takes";
  const allowed = known.keys;
  for (const [key, value] of attrs) {
    if (key === "type") continue;
    if (!allowed.includes(key)) {
      return `has "${key}", which type=${type} does not take; it takes ${allowed.join(", ")}`;
    }
    if (BOOLEANS.includes(key) && !["true", "false"].includes(value.toLowerCase())) {
      return `has ${key}= that is not true or false`;
    }
    if (ENUMS[key] && !ENUMS[key].includes(value)) return `has ${key}= that is not one of ${ENUMS[key].join(", ")}`;
    if (key === "compression-level" && !/^\d{1,2}$/.test(value)) return "has compression-level= that is not a number";
  }
  const required = known.required?.[direction];
  if (required && !attrs.get(required)) return `has no ${required}=, which type=${type} needs`;
  return void 0;
}

// src/severity.ts
var SEVERITIES = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
function isSeverity(value) {
  return SEVERITIES.includes(value);
}
function severityRank(severity) {
  return SEVERITIES.indexOf(severity);
}
var SEVERITIES_DESCENDING = [...SEVERITIES].reverse();

// src/meta/tags.ts
var semver = __toESM(require_semver(), 1);

// src/meta/template.ts
var TemplateError = class extends Error {
  name = "TemplateError";
};
var EXPRESSION = /\{\{(.*?)\}\}/g;
var PART = /\s*(?:([A-Za-z_][\w]*)=(?:'([^']*)'|"([^"]*)")|'([^']*)'|"([^"]*)")/y;
function parseExpression(body) {
  const head = /^\s*([A-Za-z_][\w]*)/.exec(body);
  if (!head) throw new TemplateError(`"{{${body}}}" is not an expression`);
  const args = [];
  const hash = {};
  let at = head[0].length;
  while (at < body.length) {
    if (/^\s*$/.test(body.slice(at))) break;
    PART.lastIndex = at;
    const part = PART.exec(body);
    if (!part) throw new TemplateError(`"{{${body}}}": cannot read "${body.slice(at).trim()}"`);
    if (part[1] !== void 0) hash[part[1]] = part[2] ?? part[3] ?? "";
    else args.push(part[4] ?? part[5] ?? "");
    at = PART.lastIndex;
  }
  return { name: head[1], args, hash };
}
function render(template, values) {
  return template.replace(EXPRESSION, (_whole, body) => {
    const { name, args, hash } = parseExpression(body);
    if (!Object.hasOwn(values, name)) {
      throw new TemplateError(
        `"{{${body.trim()}}}" is unknown; use ${Object.keys(values).map((k) => `{{${k}}}`).join(", ")}`
      );
    }
    const value = values[name];
    if (typeof value === "string") {
      if (args.length > 0 || Object.keys(hash).length > 0) {
        throw new TemplateError(`"{{${body.trim()}}}": {{${name}}} takes no arguments`);
      }
      return value;
    }
    return value(args, hash);
  });
}
function mentions(template, name) {
  for (const match of template.matchAll(EXPRESSION)) {
    if (/^\s*([A-Za-z_][\w]*)/.exec(match[1])?.[1] === name) return true;
  }
  return false;
}
function literalText(template) {
  return template.replace(EXPRESSION, "");
}

// src/meta/date.ts
var TOKEN = /\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|ZZ|Z|X|x/g;
function partsIn(date, timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "long",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      timeZoneName: "longOffset"
    });
  } catch {
    throw new TemplateError(`tz='${timeZone}' is not a time zone; use an IANA name such as UTC or Asia/Tokyo`);
  }
  const get = (type) => format.formatToParts(date).find((p) => p.type === type)?.value ?? "";
  const offset = get("timeZoneName").replace(/^GMT/, "") || "+00:00";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    weekday: get("weekday"),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    offset
  };
}
var MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
];
var pad = (value, width = 2) => String(value).padStart(width, "0");
function ordinal(day) {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${["th", "st", "nd", "rd"][day % 10] ?? "th"}`;
}
function formatDate(date, format, timeZone = "UTC") {
  const p = partsIn(date, timeZone);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return format.replace(TOKEN, (token, literal) => {
    if (literal !== void 0) return literal;
    switch (token) {
      case "YYYY":
        return pad(p.year, 4);
      case "YY":
        return pad(p.year % 100);
      case "MMMM":
        return MONTHS[p.month - 1];
      case "MMM":
        return MONTHS[p.month - 1].slice(0, 3);
      case "MM":
        return pad(p.month);
      case "M":
        return String(p.month);
      case "Do":
        return ordinal(p.day);
      case "DD":
        return pad(p.day);
      case "D":
        return String(p.day);
      case "dddd":
        return p.weekday;
      case "ddd":
        return p.weekday.slice(0, 3);
      case "HH":
        return pad(p.hour);
      case "H":
        return String(p.hour);
      case "hh":
        return pad(hour12);
      case "h":
        return String(hour12);
      case "mm":
        return pad(p.minute);
      case "m":
        return String(p.minute);
      case "ss":
        return pad(p.second);
      case "s":
        return String(p.second);
      case "SSS":
        return pad(date.getUTCMilliseconds(), 3);
      case "A":
        return p.hour < 12 ? "AM" : "PM";
      case "a":
        return p.hour < 12 ? "am" : "pm";
      case "Z":
        return p.offset;
      case "ZZ":
        return p.offset.replace(":", "");
      case "X":
        return String(Math.floor(date.getTime() / 1e3));
      default:
        return String(date.getTime());
    }
  });
}
function dateHelper(date) {
  return (args, hash) => {
    for (const key of Object.keys(hash)) {
      if (key !== "tz") throw new TemplateError(`unknown attribute ${key}= (only tz= is known)`);
    }
    if (args.length !== 1) throw new TemplateError(`a date takes one format, e.g. {{date 'YYYYMMDD'}}`);
    return formatDate(date, args[0], hash.tz ?? "UTC");
  };
}

// src/meta/tags.ts
var TagRuleError = class extends Error {
  name = "TagRuleError";
};
var PRIORITIES = {
  schedule: 1e3,
  semver: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
};
var COMMON = ["type", "enable", "priority", "prefix", "suffix"];
var ATTRIBUTES = {
  schedule: ["pattern"],
  semver: ["pattern", "value", "match"],
  match: ["pattern", "group", "value"],
  edge: ["branch"],
  ref: ["event"],
  raw: ["value"],
  sha: ["format"]
};
var DEFAULT_FLAVOR = {
  latest: "auto",
  prefix: "",
  prefixLatest: false,
  suffix: "",
  suffixLatest: false
};
function fields(line) {
  let records;
  try {
    records = parse(line, { relaxColumnCount: true, skipEmptyLines: true, relaxQuotes: true });
  } catch (error) {
    throw new TagRuleError(`"${line}" cannot be read (${error.message})`);
  }
  return (records[0] ?? []).map((field) => {
    const at = field.indexOf("=");
    if (at <= 0) return { value: field.trim() };
    return { key: field.slice(0, at).trim().toLowerCase(), value: field.slice(at + 1).trim() };
  });
}
function parseRule(line) {
  const attrs = {};
  let type = "raw";
  for (const { key, value } of fields(line)) {
    if (key === void 0) {
      attrs.value = value;
    } else if (key === "type") {
      if (value === "pep440") {
        throw new TagRuleError(`"${line}": type=pep440 is not supported; use type=semver or type=match`);
      }
      if (!Object.hasOwn(PRIORITIES, value)) {
        throw new TagRuleError(`"${line}": type=${value} is unknown; use one of ${Object.keys(PRIORITIES).join(", ")}`);
      }
      type = value;
    } else {
      attrs[key] = value;
    }
  }
  for (const key of Object.keys(attrs)) {
    if (!COMMON.includes(key) && !ATTRIBUTES[type].includes(key)) {
      throw new TagRuleError(
        `"${line}": type=${type} has no attribute ${key}= (it takes ${[...COMMON.slice(1), ...ATTRIBUTES[type]].join(", ")})`
      );
    }
  }
  switch (type) {
    case "schedule":
      attrs.pattern ??= "nightly";
      break;
    case "semver":
      if (!attrs.pattern) throw new TagRuleError(`"${line}": type=semver needs pattern=, e.g. pattern={{version}}`);
      attrs.value ??= "";
      attrs.match ??= "";
      break;
    case "match":
      if (!attrs.pattern) throw new TagRuleError(`"${line}": type=match needs pattern=, e.g. pattern=v(.*)`);
      attrs.group ??= "0";
      if (!/^\d+$/.test(attrs.group)) throw new TagRuleError(`"${line}": group=${attrs.group} is not a group number`);
      attrs.value ??= "";
      break;
    case "edge":
      attrs.branch ??= "";
      break;
    case "ref":
      if (!["branch", "tag", "pr"].includes(attrs.event ?? "")) {
        throw new TagRuleError(`"${line}": type=ref needs event=branch, event=tag or event=pr`);
      }
      if (attrs.event === "pr") attrs.prefix ??= "pr-";
      break;
    case "raw":
      if (attrs.value === void 0) throw new TagRuleError(`"${line}": type=raw needs value=`);
      break;
    case "sha":
      attrs.prefix ??= "sha-";
      attrs.format ??= "short";
      if (!["short", "long"].includes(attrs.format)) {
        throw new TagRuleError(`"${line}": format=${attrs.format} is not short or long`);
      }
      break;
  }
  attrs.enable ??= "true";
  let priority = PRIORITIES[type];
  if (attrs.priority !== void 0) {
    if (!/^-?\d+$/.test(attrs.priority))
      throw new TagRuleError(`"${line}": priority=${attrs.priority} is not a number`);
    priority = Number(attrs.priority);
  }
  return { type, attrs, priority, text: line };
}
function parseTagEntries(entries) {
  const result = [];
  for (const entry of entries) {
    if (fields(entry).some((f) => f.key === "type")) {
      result.push({ kind: "rule", rule: parseRule(entry) });
      continue;
    }
    for (const part of entry.split(",").map((p) => p.trim())) {
      if (!part) continue;
      const reference = /[/:]/.test(literalText(part));
      if (!part.includes("{{")) {
        const valid2 = reference ? isImageTag(part) : TAG_RE.test(part);
        if (!valid2) {
          throw new TagRuleError(
            `"${part}" is not a valid ${reference ? "image reference (name[:tag], lower-case name)" : "tag (letters, digits, _ . -, at most 128)"}`
          );
        }
      }
      if (reference) result.push({ kind: "reference", text: part });
      else result.push({ kind: "rule", rule: parseRule(`type=raw,value=${part}`) });
    }
  }
  return result;
}
function parseFlavor(entries) {
  const flavor = { ...DEFAULT_FLAVOR };
  for (const entry of entries) {
    let onLatestFor;
    for (const { key, value } of fields(entry)) {
      switch (key) {
        case "latest":
          if (value !== "auto" && value !== "true" && value !== "false") {
            throw new TagRuleError(`"${entry}": latest=${value} is not auto, true or false`);
          }
          flavor.latest = value;
          break;
        case "prefix":
        case "suffix":
          flavor[key] = value;
          onLatestFor = key;
          break;
        case "onlatest":
          if (value !== "true" && value !== "false") {
            throw new TagRuleError(`"${entry}": onlatest=${value} is not true or false`);
          }
          if (!onLatestFor) throw new TagRuleError(`"${entry}": onlatest= follows a prefix= or a suffix=`);
          flavor[onLatestFor === "prefix" ? "prefixLatest" : "suffixLatest"] = value === "true";
          break;
        default:
          throw new TagRuleError(`"${entry}" is not latest=, prefix= or suffix=`);
      }
    }
  }
  return flavor;
}
function sanitizeTag(value) {
  return value.replace(/[^a-zA-Z0-9._-]+/g, "-");
}
function shortSha(ref) {
  return ref.sha.slice(0, ref.shortShaLength);
}
var refName = (ref, prefix) => ref.startsWith(prefix) ? ref.slice(prefix.length) : "";
function globals(ref, target) {
  const branch = refName(ref.ref, "refs/heads/");
  const isDefault = () => branch !== "" && branch === ref.defaultBranch || branch !== "" && /create|discussion|issues|schedule/.test(ref.eventName);
  return {
    branch,
    tag: refName(ref.ref, "refs/tags/"),
    sha: shortSha(ref),
    base_ref: ref.baseRef ?? "",
    is_default_branch: String(isDefault()),
    is_not_default_branch: String(!isDefault()),
    date: dateHelper(ref.date),
    commit_date: dateHelper(ref.commitDate),
    target
  };
}
function nameTarget(request) {
  const { ref, flavor, target } = request;
  const values = globals(ref, target);
  const expand = (template, what) => {
    try {
      return render(template, values);
    } catch (error) {
      if (error instanceof TemplateError) throw new TagRuleError(`${what}: ${error.message}`);
      throw error;
    }
  };
  const imageNamesTarget = mentions(request.image, "target");
  const image = expand(request.image, "image");
  const flavorNamesTarget = mentions(flavor.prefix, "target") || mentions(flavor.suffix, "target");
  const targetSuffix = (text3) => request.severalTargets && !imageNamesTarget && !flavorNamesTarget && !mentions(text3, "target") ? `-${target}` : "";
  const version = { partial: [] };
  const warnings = [];
  const add = (rule, raw, latest) => {
    if (raw === "") return;
    let value = raw;
    const prefix = rule.attrs.prefix ?? flavor.prefix;
    const suffix = rule.attrs.suffix ?? flavor.suffix;
    value = `${expand(prefix, rule.text)}${value}${expand(suffix, rule.text)}${targetSuffix(rule.text)}`;
    value = sanitizeTag(value);
    if (version.main === void 0) version.main = value;
    else if (value !== version.main && !version.partial.includes(value)) version.partial.push(value);
    version.latest ??= flavor.latest === "auto" ? latest : flavor.latest === "true";
  };
  const rules = request.entries.filter((e) => e.kind === "rule").map((e) => e.rule).sort((a, b) => b.priority - a.priority);
  for (const rule of rules) {
    const enabled = expand(rule.attrs.enable, rule.text);
    if (enabled !== "true" && enabled !== "false") {
      throw new TagRuleError(`"${rule.text}": enable= gives "${enabled}", not true or false`);
    }
    if (enabled === "false") continue;
    evaluate(rule, ref, values, expand, add, (message) => warnings.push(message));
  }
  const tags = [];
  if (version.main !== void 0) {
    for (const value of [version.main, ...version.partial]) tags.push(`${image}:${value}`);
    if (version.latest) {
      const latest = `${flavor.prefixLatest ? expand(flavor.prefix, "flavor") : ""}latest${flavor.suffixLatest ? expand(flavor.suffix, "flavor") : ""}${request.severalTargets && !imageNamesTarget && !flavorNamesTarget ? `-${target}` : ""}`;
      tags.push(`${image}:${sanitizeTag(latest)}`);
    }
  }
  for (const entry of request.entries) {
    if (entry.kind !== "reference") continue;
    const reference = expand(entry.text, `"${entry.text}"`);
    const { name, tag } = splitReference(reference);
    const full = `${name}:${tag ?? "latest"}${targetSuffix(entry.text)}`;
    if (!tags.includes(full)) tags.push(full);
  }
  for (const tag of tags) {
    if (!isImageTag(tag)) {
      throw new TagRuleError(
        `gives "${tag}", which Docker refuses (a tag is at most 128 letters, digits, "_", "." or "-", not starting with "." or "-")`
      );
    }
  }
  return { tags, version: version.main, warnings };
}
function evaluate(rule, ref, values, expand, add, warn) {
  const { attrs } = rule;
  const tagName = refName(ref.ref, "refs/tags/");
  switch (rule.type) {
    case "schedule":
      if (ref.eventName === "schedule") add(rule, expand(attrs.pattern, rule.text), false);
      return;
    case "semver": {
      if (!tagName && !attrs.value) return;
      let raw = attrs.value ? expand(attrs.value, rule.text) : tagName;
      if (attrs.match) {
        let matched;
        try {
          matched = new RegExp(attrs.match).exec(raw);
        } catch (error) {
          throw new TagRuleError(`"${rule.text}": match is not a regular expression (${error.message})`);
        }
        if (!matched) {
          warn(`"${rule.text}": match ${attrs.match} does not match ${raw}`);
          return;
        }
        raw = matched[1] ?? matched[0];
      }
      raw = raw.replace(/\//g, "-");
      if (!semver.valid(raw)) {
        warn(`"${rule.text}": ${raw} is not a semantic version (https://semver.org), so it gives no tag`);
        return;
      }
      const parsed = semver.parse(raw, { loose: true });
      const fieldsOf = {
        raw: parsed.raw,
        version: parsed.version,
        major: String(parsed.major),
        minor: String(parsed.minor),
        patch: String(parsed.patch),
        target: values.target
      };
      const renderPattern = (pattern) => {
        try {
          return render(pattern, fieldsOf);
        } catch (error) {
          if (error instanceof TemplateError) throw new TagRuleError(`"${rule.text}": ${error.message}`);
          throw error;
        }
      };
      if (parsed.prerelease.length > 0) {
        add(rule, renderPattern(attrs.pattern.trim() === "{{raw}}" ? "{{raw}}" : "{{version}}"), false);
      } else {
        add(rule, renderPattern(attrs.pattern), true);
      }
      return;
    }
    case "match": {
      if (!tagName && !attrs.value) return;
      const raw = attrs.value ? expand(attrs.value, rule.text) : tagName;
      const regex = /^\/(.+)\/(\w*)$/.exec(attrs.pattern);
      let matched;
      try {
        matched = regex ? new RegExp(regex[1], regex[2]).exec(raw) : new RegExp(attrs.pattern).exec(raw);
      } catch (error) {
        throw new TagRuleError(`"${rule.text}": pattern is not a regular expression (${error.message})`);
      }
      const group = matched?.[Number(attrs.group)];
      if (group === void 0) warn(`"${rule.text}": ${attrs.pattern} (group ${attrs.group}) does not match ${raw}`);
      else add(rule, group, true);
      return;
    }
    case "edge": {
      const branch = refName(ref.ref, "refs/heads/");
      if (branch && branch === (attrs.branch || ref.defaultBranch)) add(rule, "edge", false);
      return;
    }
    case "ref":
      if (attrs.event === "branch") add(rule, refName(ref.ref, "refs/heads/"), false);
      else if (attrs.event === "tag") add(rule, tagName, true);
      else add(rule, refName(ref.ref, "refs/pull/").replace(/\/merge$/, ""), false);
      return;
    case "raw":
      add(rule, expand(attrs.value, rule.text), false);
      return;
    case "sha":
      if (ref.sha) add(rule, attrs.format === "long" ? ref.sha : shortSha(ref), false);
      return;
  }
}

// src/inputs.ts
var DEFAULT_TRIVY_VERSION = "0.74.0";
var TRIVY_RELEASES_URL = "https://github.com/aquasecurity/trivy/releases/download";
var SCANNERS = ["vuln", "misconfig", "secret", "license"];
var MAX_ENV_VALUE_CHARS = 32 * 1024;
var envInputReader = (env = process.env) => (name) => env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
var TRUE = ["true", "True", "TRUE"];
var FALSE = ["false", "False", "FALSE"];
var STAGE_RE = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
var SECRET_ID_RE = /^[a-zA-Z0-9_.-]+$/;
var ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
function redact(entry) {
  const at = entry.indexOf("=");
  const shown = at < 0 ? entry : `${entry.slice(0, at)}=***`;
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown.replace(/\n/g, "\\n");
}
var Field = class {
  constructor(name, raw, fallback) {
    this.name = name;
    this.raw = raw;
    this.fallback = fallback;
  }
  name;
  raw;
  fallback;
  /** The input was given at all (even as ''), as opposed to left to its default. */
  get given() {
    return this.raw !== void 0;
  }
  /** The value, or action.yml's default when it is empty. */
  text() {
    const value = this.raw?.trim() ?? "";
    return value === "" ? this.fallback : value;
  }
  fail(detail) {
    throw new ConfigurationError(this.name, detail);
  }
  boolean() {
    const value = this.text();
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    return this.fail(`"${value}" is not a boolean; use true or false`);
  }
  integer(min, max) {
    const value = this.text();
    if (value === "") return void 0;
    if (!/^-?\d+$/.test(value)) this.fail(`"${value}" is not a whole number; use ${min}-${max}`);
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.fail(`${value} is out of range; use ${min}-${max}`);
    }
    return number;
  }
  /** A list, as docker's actions read it (the whole input trimmed first unless `trimWhitespace: false`). */
  list(options = {}) {
    const raw = options.trimWhitespace === false ? this.raw ?? "" : this.text();
    try {
      return parseList(raw, options);
    } catch (error) {
      return this.fail(`cannot be read as a list (${errorMessage(error)}); write one entry per line`);
    }
  }
  /**
   * One `KEY=value` per entry. A wrong entry is named by its position (and, unless `secret`, shown with its value
   * hidden): no part of a secret's value may reach a message, and a multi-line value split into entries is all value.
   */
  keyValues(what, check, secret = false) {
    return this.list({ ignoreComma: true, ...secret ? { trimWhitespace: false } : {} }).map((entry, index) => {
      const pair = splitKeyValue(entry);
      if (!pair || !check(pair.key)) {
        const shown = secret ? pair && /^[\w.-]{1,64}$/.test(pair.key) ? ` (id "${pair.key}")` : "" : ` "${redact(entry)}"`;
        const hint = secret ? '; a value that spans several lines must be quoted as one entry ("id=line 1\nline 2"); values are never shown' : "";
        this.fail(`entry ${index + 1}${shown} is not ${what}${hint}`);
      }
      return pair;
    });
  }
  /** Lines as docker/metadata-action reads its `tags` and `flavor` (one entry per line, `#` comments), parsed. */
  rules(parse3) {
    try {
      return parse3(this.list({ ignoreComma: true, comment: "#", commentNoInfix: true }));
    } catch (error) {
      if (error instanceof TagRuleError) return this.fail(error.message);
      throw error;
    }
  }
  /** One of a fixed set of words; `empty` is what '' means when it is allowed. */
  oneOf(values, empty) {
    const value = this.text();
    if (value === "" && empty !== void 0) return empty;
    if (!values.includes(value)) this.fail(`"${value}" is not one of ${values.join(", ")}`);
    return value;
  }
  /** A secret's text exactly as given (a key keeps its line breaks); '' when not given. */
  secretText() {
    return this.raw ?? "";
  }
  /**
   * docker/build-push-action's `provenance`: '' (the default, decided later from the repository's visibility),
   * `false`, `true`, or attributes such as `mode=max`.
   */
  provenance() {
    const value = this.text();
    if (value === "") return { kind: "default" };
    if (FALSE.includes(value)) return { kind: "off" };
    if (TRUE.includes(value)) return { kind: "on", attrs: "" };
    for (const field of value.split(",")) {
      const pair = splitKeyValue(field);
      if (!pair || !PROVENANCE_KEYS.includes(pair.key)) {
        this.fail(`"${field}" is not one of ${PROVENANCE_KEYS.map((k) => `${k}=`).join(", ")}`);
      }
      if (pair.key === "mode" && !["min", "max"].includes(pair.value))
        this.fail(`mode=${pair.value} is not min or max`);
    }
    return { kind: "on", attrs: value };
  }
  severities() {
    const values = this.list().map((v) => v.toUpperCase());
    for (const value of values) {
      if (!isSeverity(value)) this.fail(`"${value}" is not a severity; use ${SEVERITIES.join(", ")}`);
    }
    return values;
  }
  stage() {
    const value = this.text();
    if (value && !STAGE_RE.test(value)) this.fail(`"${value}" is not a valid stage name`);
    return value;
  }
  urlPath() {
    const value = this.text();
    if (!value.startsWith("/") || /\s/.test(value)) this.fail(`"${value}" must be a URL path starting with "/"`);
    return value;
  }
  /** A file the workflow names, resolved against the workspace; '' when empty. */
  workspacePath(ctx) {
    const value = this.text();
    return value ? path2.resolve(ctx.workspace, value) : "";
  }
};
var spec = (s) => s;
var INPUT_TABLE = {
  target: spec({ read: (f) => f.stage() }),
  targets: spec({ read: (f) => f.list() }),
  // How many targets go down the road at once: every one (the default) or a number for a small runner.
  parallel: spec({
    default: "all",
    read: (f) => {
      const value = f.text();
      if (value === "all") return Infinity;
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
        f.fail(`"${value}" is neither all nor a number of targets from 1 to 64`);
      }
      return Number(value);
    }
  }),
  context: spec({ default: ".", read: (f) => f.text() }),
  file: spec({ read: (f) => f.text() }),
  image: spec({ read: (f, ctx) => (f.text() || defaultImage(ctx)).toLowerCase() }),
  tags: spec({ read: (f) => f.rules(parseTagEntries) }),
  flavor: spec({ read: (f) => f.rules(parseFlavor) }),
  labels: spec({ read: (f) => f.keyValues("key=value", () => true).map(({ key, value }) => `${key}=${value}`) }),
  annotations: spec({
    read: (f) => f.list({ ignoreComma: true }).map((entry, index) => {
      const problem = annotationProblem(entry);
      if (problem) f.fail(`entry ${index + 1} "${redact(entry)}" ${problem}`);
      return entry;
    })
  }),
  "build-args": spec({
    read: (f) => f.keyValues("NAME=value", (k) => k !== "").map(({ key, value }) => `${key}=${value}`)
  }),
  "build-contexts": spec({
    read: (f) => f.keyValues(
      "name=source (a folder, docker-image://, target:, oci-layout:// or a URL)",
      (k) => /^[A-Za-z0-9][\w./:@-]*$/.test(k)
    )
  }),
  secrets: spec({
    read: (f) => f.keyValues('id=value with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k), true).map(({ key, value }) => ({ id: key, value }))
  }),
  "secret-envs": spec({
    read: (f) => f.keyValues('id=ENV_NAME with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k)).map(({ key, value }) => {
      if (!ENV_KEY_RE.test(value.trim()))
        f.fail(`id "${key}": "${value.trim()}" is not an environment variable name`);
      return { id: key, env: value.trim() };
    })
  }),
  "secret-files": spec({
    read: (f, ctx) => f.keyValues('id=path with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k), true).map(({ key, value }) => ({ id: key, path: path2.resolve(ctx.workspace, value.trim()) }))
  }),
  ssh: spec({ read: (f) => f.list() }),
  platforms: spec({ read: (f) => f.list() }),
  builder: spec({ read: (f) => f.text() }),
  network: spec({ read: (f) => f.oneOf(["default", "none", "host"], "") }),
  allow: spec({
    read: (f) => f.list().map((entry) => {
      if (!/^(network\.host|security\.insecure|device(=.+)?|fs(\.read|\.write)?=.+)$/.test(entry)) {
        f.fail(
          `"${entry}" is not an entitlement; use network.host, security.insecure, device[=name] or fs[.read|.write]=path`
        );
      }
      return entry;
    })
  }),
  "add-hosts": spec({
    read: (f) => f.list().map((entry) => {
      const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)[:=](.+)$/.exec(entry);
      if (!m || !net.isIP(m[2]) && m[2] !== "host-gateway") {
        return f.fail(`"${entry}" is not host:ip (or host=ip), e.g. db:10.0.0.5`);
      }
      return `${m[1]}=${m[2]}`;
    })
  }),
  "shm-size": spec({
    read: (f) => {
      const value = f.text();
      if (value && !/^\d+(\.\d+)?[bkmg]?$/i.test(value)) f.fail(`"${value}" is not a size such as 2g or 512m`);
      return value;
    }
  }),
  ulimit: spec({
    read: (f) => f.list({ ignoreComma: true }).map((entry) => {
      const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(entry);
      if (!m || !ULIMITS.includes(m[1])) {
        f.fail(`"${entry}" is not type=soft[:hard] with a type of ${ULIMITS.join(", ")}`);
      }
      return entry;
    })
  }),
  "no-cache": spec({ default: "false", boolean: true, read: (f) => f.boolean() }),
  "no-cache-filters": spec({
    read: (f) => f.list().map((stage) => {
      if (!STAGE_RE.test(stage)) f.fail(`"${stage}" is not a valid stage name`);
      return stage;
    })
  }),
  pull: spec({ default: "false", boolean: true, read: (f) => f.boolean() }),
  checks: spec({ default: "warn", read: (f) => f.oneOf(["warn", "error", "false"]) }),
  analysis: spec({ default: "true", boolean: true, read: (f) => f.boolean() }),
  "max-image-size": spec({
    read: (f) => {
      const value = f.text();
      if (value === "") return void 0;
      const bytes2 = parseSize(value);
      if (bytes2 === void 0) f.fail(`"${value}" is not a size such as 150MB, 1.5GiB or 200000000`);
      return bytes2;
    }
  }),
  cache: spec({ default: "true", boolean: true, read: (f) => f.boolean() }),
  "cache-scope": spec({ read: (f) => f.text() }),
  "cache-from": spec({ read: (f) => f.list({ ignoreComma: true }) }),
  "cache-to": spec({ read: (f) => f.list({ ignoreComma: true }) }),
  "test-target": spec({ read: (f) => f.stage() }),
  "test-results-path": spec({ read: (f) => f.text() }),
  smoke: spec({ default: "true", boolean: true, read: (f) => f.boolean() }),
  port: spec({ read: (f) => f.integer(1, 65535) }),
  "health-path": spec({ default: "/health", read: (f) => f.urlPath() }),
  "health-status": spec({ default: "200", read: (f) => f.integer(100, 599) }),
  "smoke-timeout": spec({ default: "60", read: (f) => f.integer(1, 3600) }),
  "smoke-env": spec({
    read: (f) => f.keyValues("KEY=VALUE with a shell-style variable name", (k) => ENV_KEY_RE.test(k))
  }),
  "smoke-paths": spec({
    read: (f) => f.list().map((p) => {
      if (!p.startsWith("/") || /\s/.test(p)) f.fail(`"${p}" must be a URL path starting with "/"`);
      return p;
    })
  }),
  "smoke-hardened": spec({ default: "false", boolean: true, read: (f) => f.boolean() }),
  "smoke-stable-seconds": spec({ default: "1", read: (f) => f.integer(0, 300) }),
  scan: spec({ default: "true", boolean: true, read: (f) => f.boolean() }),
  "trivy-version": spec({ read: (f) => f.text().replace(/^v/, "") }),
  "trivy-download-url": spec({ default: TRIVY_RELEASES_URL, read: (f) => f.text().replace(/\/+$/, "") }),
  "trivy-db-repository": spec({ read: (f) => f.list().map((ref) => dbRepository(f, ref)) }),
  "trivy-java-db-repository": spec({ read: (f) => f.list().map((ref) => dbRepository(f, ref)) }),
  severity: spec({ default: SEVERITIES.join(","), read: (f) => f.severities() }),
  // Given empty, it means never fail: only an input that was not given at all gets the default.
  "fail-on": spec({ default: "CRITICAL", emptyIsNone: true, read: (f) => f.severities() }),
  "ignore-unfixed": spec({ default: "false", boolean: true, read: (f) => f.boolean() }),
  trivyignore: spec({ read: (f, ctx) => f.workspacePath(ctx) }),
  scanners: spec({
    default: "vuln",
    read: (f) => f.list().map((s) => {
      if (!SCANNERS.includes(s)) f.fail(`"${s}" is not one of ${SCANNERS.join(", ")}`);
      return s;
    })
  }),
  "upload-sarif": spec({ default: "true", boolean: true, read: (f, ctx) => f.given ? f.boolean() : ctx.onGitHub }),
  category: spec({
    read: (f) => {
      const value = f.text();
      if (/\s/.test(value)) f.fail(`"${value}" may not contain spaces`);
      return value;
    }
  }),
  token: spec({ default: "${{ github.token }}", read: (f) => f.given ? f.text() : "" }),
  "wait-for-processing": spec({ default: "true", boolean: true, read: (f) => f.boolean() }),
  push: spec({ default: "false", boolean: true, read: (f) => f.boolean() }),
  comment: spec({
    default: "auto",
    read: (f) => f.oneOf(["auto", "true", "false"])
  }),
  provenance: spec({ read: (f) => f.provenance() }),
  sbom: spec({ read: (f) => f.text() === "" ? void 0 : f.boolean() }),
  sign: spec({
    default: "false",
    read: (f) => f.oneOf(["false", "key", "keyless", "auto"])
  }),
  "cosign-key": spec({ read: (f) => f.secretText() }),
  "cosign-password": spec({ read: (f) => f.secretText() }),
  "cosign-version": spec({ read: (f) => f.text().replace(/^v/, "") })
};
var INPUT_NAMES = Object.keys(INPUT_TABLE);
var BOOLEAN_INPUTS = new Set(
  INPUT_NAMES.filter((name) => INPUT_TABLE[name].boolean)
);
var INPUT_DEFAULTS = Object.fromEntries(
  INPUT_NAMES.map((name) => [name, INPUT_TABLE[name].default])
);
function getInputs(read, ctx, env = process.env) {
  const values = {};
  for (const name of INPUT_NAMES) {
    const entry = INPUT_TABLE[name];
    const raw = read(name);
    const expression = entry.default?.includes("${{");
    const fallback = expression || entry.emptyIsNone && raw !== void 0 ? "" : entry.default ?? "";
    values[name] = entry.read(new Field(name, raw, fallback), ctx);
  }
  const { target, targets: targetList, ...rest } = values;
  const inputs = { ...rest, targets: target ? [target] : targetList };
  checkTogether(inputs, target, targetList, ctx, env);
  return inputs;
}
function checkTogether(inputs, target, targetList, ctx, env) {
  if (target && targetList.length > 0) {
    throw new ConfigurationError("targets", 'set either "target" or "targets", not both');
  }
  if (inputs.targets.length === 0) {
    throw new ConfigurationError("target", "is required: name the Dockerfile stage to build (e.g. production-backend)");
  }
  for (const stage of inputs.targets) {
    if (!STAGE_RE.test(stage)) {
      throw new ConfigurationError(target ? "target" : "targets", `"${stage}" is not a valid stage name`);
    }
  }
  if (new Set(inputs.targets.map((t) => t.toLowerCase())).size !== inputs.targets.length) {
    throw new ConfigurationError("targets", "lists the same stage twice");
  }
  if (isRemoteSource(inputs.context)) {
    throw new ConfigurationError(
      "context",
      `"${redact(inputs.context)}" is a remote context; this action builds a local checkout (run actions/checkout first and give its path)`
    );
  }
  const contextPath = path2.resolve(ctx.workspace, inputs.context);
  if (!fs.existsSync(contextPath) || !fs.statSync(contextPath).isDirectory()) {
    throw new ConfigurationError(
      "context",
      `directory "${inputs.context}" does not exist (resolved to ${contextPath})`
    );
  }
  inputs.file ||= path2.join(inputs.context, "Dockerfile");
  const filePath = path2.resolve(ctx.workspace, inputs.file);
  if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) {
    throw new ConfigurationError("file", `Dockerfile "${inputs.file}" does not exist (resolved to ${filePath})`);
  }
  for (const [name, resolved] of [
    ["context", contextPath],
    ["file", filePath]
  ]) {
    if (leadsOutOfWorkspace(ctx.workspace, resolved)) {
      throw new ConfigurationError(
        name,
        `"${path2.relative(ctx.workspace, resolved)}" is a link inside the workspace that leads out of it`
      );
    }
  }
  for (const target2 of inputs.targets) {
    let image;
    try {
      image = render(inputs.image, { target: target2.toLowerCase() });
    } catch (error) {
      throw new ConfigurationError("image", `"${inputs.image}": ${errorMessage(error)}`);
    }
    if (!isImageName(image)) {
      throw new ConfigurationError(
        "image",
        `"${image}" is not a valid image name; use lower-case [registry/]path such as ghcr.io/owner/app (it may name {{target}})`
      );
    }
  }
  inputs["secret-files"].forEach((secretFile, index) => {
    const which = `entry ${index + 1} (id "${secretFile.id}")`;
    if (!readableFile(secretFile.path)) {
      throw new ConfigurationError("secret-files", `${which} does not name a readable regular file`);
    }
    if (leadsOutOfWorkspace(ctx.workspace, secretFile.path)) {
      throw new ConfigurationError("secret-files", `${which} is a link inside the workspace that leads out of it`);
    }
  });
  inputs["secret-envs"].forEach(({ id, env: name }) => {
    if (env[name] === void 0) {
      throw new ConfigurationError(
        "secret-envs",
        `id "${id}" names the environment variable ${name}, which is not set; set it in the step's env:`
      );
    }
  });
  inputs["build-contexts"].forEach(({ key, value }, index) => {
    const source = value.trim();
    if (source === "") throw new ConfigurationError("build-contexts", `entry ${index + 1} (${key}) has no source`);
    if (isRemoteSource(source) || source.startsWith("target:")) return;
    const folder = path2.resolve(ctx.workspace, source);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new ConfigurationError(
        "build-contexts",
        `entry ${index + 1} (${key}): folder "${source}" does not exist; use a folder, docker-image://, target:, oci-layout:// or a URL`
      );
    }
    if (leadsOutOfWorkspace(ctx.workspace, folder)) {
      throw new ConfigurationError(
        "build-contexts",
        `entry ${index + 1} (${key}) is a link inside the workspace that leads out of it`
      );
    }
  });
  checkSigning(inputs);
  const ids = [
    ...inputs.secrets.map((s) => s.id),
    ...inputs["secret-files"].map((s) => s.id),
    ...inputs["secret-envs"].map((s) => s.id)
  ];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ConfigurationError("secrets", `secret id "${duplicate}" is given twice`);
  checkSsh(inputs.ssh, ctx);
  for (const platform of inputs.platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
      throw new ConfigurationError("platforms", `"${platform}" is not os/arch[/variant] such as linux/amd64`);
    }
  }
  if (inputs["cache-scope"] && !/^[\w.-]+$/.test(inputs["cache-scope"])) {
    throw new ConfigurationError(
      "cache-scope",
      `"${inputs["cache-scope"]}" may use letters, digits, "_", "-" and "." only`
    );
  }
  for (const name of ["cache-from", "cache-to"]) {
    inputs[name].forEach((entry, index) => {
      const problem = cacheSpecProblem(entry, name === "cache-from" ? "from" : "to");
      if (problem) throw new ConfigurationError(name, `entry ${index + 1} ${problem}`);
    });
  }
  inputs["smoke-env"].forEach(({ key, value }, index) => {
    if (/[\r\n\0]/.test(value)) {
      throw new ConfigurationError(
        "smoke-env",
        `entry ${index + 1} (${key}) has a line break or NUL in its value; the container gets its environment from an env file, one line per variable`
      );
    }
    if (value.length > MAX_ENV_VALUE_CHARS) {
      throw new ConfigurationError(
        "smoke-env",
        `entry ${index + 1} (${key}) is longer than ${MAX_ENV_VALUE_CHARS} characters`
      );
    }
  });
  if (inputs["test-results-path"]) checkResultsPath(inputs["test-results-path"], ctx);
  if (inputs["trivy-version"] && !/^\d+\.\d+\.\d+$/.test(inputs["trivy-version"])) {
    throw new ConfigurationError(
      "trivy-version",
      `"${inputs["trivy-version"]}" is not a release version such as ${DEFAULT_TRIVY_VERSION}`
    );
  }
  checkDownloadUrl(inputs["trivy-download-url"]);
  if (inputs.scanners.length === 0) inputs.scanners = ["vuln"];
  if (inputs.trivyignore) {
    if (!fs.existsSync(inputs.trivyignore)) {
      throw new ConfigurationError(
        "trivyignore",
        `file "${path2.relative(ctx.workspace, inputs.trivyignore)}" does not exist`
      );
    }
  } else if (fs.existsSync(path2.resolve(ctx.workspace, ".trivyignore"))) {
    inputs.trivyignore = path2.resolve(ctx.workspace, ".trivyignore");
  }
  if (inputs.trivyignore && leadsOutOfWorkspace(ctx.workspace, inputs.trivyignore)) {
    throw new ConfigurationError("trivyignore", "is a link inside the workspace that leads out of it");
  }
  if (inputs["upload-sarif"] && ctx.onGitHub && ctx.sha !== void 0 && !/^[0-9a-f]{40}$/.test(ctx.sha)) {
    throw new ConfigurationError(
      "GITHUB_SHA",
      `"${ctx.sha.slice(0, 64)}" is not a commit id (40 hexadecimal digits); code scanning needs the commit that was analysed`,
      "environment"
    );
  }
}
var KMS_KEY_RE = /^(awskms|gcpkms|azurekms|hashivault|k8s|pkcs11):\/\/\S+$/;
function checkSigning(inputs) {
  const key = inputs["cosign-key"].trim();
  if (inputs.sign === "key") {
    if (!key) {
      throw new ConfigurationError(
        "cosign-key",
        "is required with sign: key (a cosign private key, e.g. ${{ secrets.COSIGN_PRIVATE_KEY }})"
      );
    }
    if (!KMS_KEY_RE.test(key) && !/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(key)) {
      throw new ConfigurationError(
        "cosign-key",
        "is neither a PEM private key (as cosign generate-key-pair writes) nor a KMS URI (awskms://, gcpkms://, azurekms://, hashivault://, k8s://); its value is not shown"
      );
    }
  }
  if (inputs["cosign-version"] && !/^\d+\.\d+\.\d+$/.test(inputs["cosign-version"])) {
    throw new ConfigurationError(
      "cosign-version",
      `"${inputs["cosign-version"]}" is not a release version such as 3.1.1`
    );
  }
}
function checkSsh(entries, ctx) {
  entries.forEach((entry, index) => {
    const m = /^([a-zA-Z0-9_.-]+)(?:=(.+))?$/.exec(entry);
    if (!m) throw new ConfigurationError("ssh", `entry ${index + 1} is not default, id, or id=path[,path]`);
    if (m[2] === void 0) {
      if (!ctx.sshAuthSock || !isSocket(ctx.sshAuthSock)) {
        throw new ConfigurationError(
          "ssh",
          `entry ${index + 1} ("${m[1]}") uses the SSH agent, but SSH_AUTH_SOCK ${ctx.sshAuthSock ? "is not a socket" : "is not set"}; start one (e.g. webfactory/ssh-agent) or give id=path to a key`
        );
      }
      return;
    }
    for (const given of m[2].split(",")) {
      const file = path2.resolve(ctx.workspace, given.trim());
      if (!isSocket(file) && !readableFile(file)) {
        throw new ConfigurationError(
          "ssh",
          `entry ${index + 1} ("${m[1]}") names ${given.trim()}, which is neither a socket nor a readable file`
        );
      }
      if (leadsOutOfWorkspace(ctx.workspace, file)) {
        throw new ConfigurationError(
          "ssh",
          `entry ${index + 1} ("${m[1]}") names a link inside the workspace that leads out of it`
        );
      }
    }
  });
}
function readableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
function isSocket(file) {
  try {
    return fs.statSync(file).isSocket();
  } catch {
    return false;
  }
}
var DB_REFERENCE_RE = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?|\[[0-9a-f:]+\](?::\d{1,5})?)(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;
function dbRepository(f, ref) {
  if (!DB_REFERENCE_RE.test(ref)) {
    f.fail(
      `"${ref}" is not an OCI reference with a tag or digest such as ghcr.io/aquasecurity/trivy-db:2 (no scheme, lower case)`
    );
  }
  return ref;
}
function isRemoteSource(source) {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i.test(source);
}
function isLoopbackHost(hostname) {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
function checkDownloadUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError("trivy-download-url", `"${value}" is not a URL`);
  }
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  throw new ConfigurationError(
    "trivy-download-url",
    `"${value}" is not an https URL (plain http is taken only from a mirror on 127.0.0.1, ::1 or localhost)`
  );
}
function checkResultsPath(value, ctx) {
  const resolved = path2.resolve(ctx.workspace, value);
  const real = realAncestor(resolved);
  const roots = [ctx.workspace, ctx.runnerTemp];
  const inside = roots.some((root) => isInside(root, resolved) && isInside(realAncestor(root), real));
  if (!inside || resolved === path2.resolve(ctx.workspace) || resolved === path2.resolve(ctx.runnerTemp)) {
    throw new ConfigurationError(
      "test-results-path",
      `"${value}" must be a folder inside the workspace or RUNNER_TEMP (not the folder itself, and not through a link leading elsewhere)`
    );
  }
  let stat;
  try {
    stat = fs.lstatSync(resolved);
  } catch {
    return;
  }
  if (!stat.isDirectory() || fs.readdirSync(resolved).length > 0) {
    throw new ConfigurationError(
      "test-results-path",
      `"${value}" already exists and is not an empty folder; name a new folder so no file is overwritten`
    );
  }
}
var PROVENANCE_KEYS = ["mode", "builder-id", "inline-only", "version", "filename", "reproducible"];
var ULIMITS = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack"
];
var ANNOTATION_LEVELS = ["manifest", "index", "manifest-descriptor", "index-descriptor"];
function annotationProblem(entry) {
  const pair = splitKeyValue(entry);
  if (!pair) return "is not key=value";
  const colon = pair.key.lastIndexOf(":");
  const levels = colon < 0 ? [] : pair.key.slice(0, colon).split(",");
  const key = pair.key.slice(colon + 1);
  for (const level of levels) {
    const m = /^([a-z-]+)(?:\[([a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)\])?$/.exec(level);
    if (!m || !ANNOTATION_LEVELS.includes(m[1])) {
      return `has the level "${level}"; use ${ANNOTATION_LEVELS.join(", ")} (optionally with [os/arch])`;
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) return `has the key "${key}", which is not an annotation key`;
  return void 0;
}
function defaultImage(ctx) {
  const name = ctx.repository ?? path2.basename(ctx.workspace);
  const cleaned = name.toLowerCase().replace(/[^a-z0-9._/-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return cleaned || "multistage";
}
var SIZE_UNITS = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
};
function parseSize(text3) {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(text3.trim());
  if (!match) return void 0;
  const bytes2 = Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? "").toLowerCase()]);
  return Number.isSafeInteger(bytes2) && bytes2 > 0 ? bytes2 : void 0;
}

// src/main.ts
import * as fs14 from "node:fs";
import * as path11 from "node:path";

// src/pipeline/setup.ts
import * as fs7 from "node:fs";
import * as path8 from "node:path";

// src/runtime.ts
var systemClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve5) => setTimeout(resolve5, ms))
};
var Background = class {
  constructor(warn) {
    this.warn = warn;
  }
  warn;
  pending = [];
  defer(work) {
    this.pending.push(work.catch((error) => this.warn(errorMessage(error))));
  }
  async settle() {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
};
function once(load) {
  let loaded;
  return () => loaded ??= load();
}
function turns(size) {
  let running = 0;
  const waiting = [];
  return async (work) => {
    if (running >= size) await new Promise((resolve5) => waiting.push(resolve5));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
var SharedOrAlone = class {
  shared = 0;
  exclusive = false;
  waiting = [];
  async run(alone, work) {
    for (; ; ) {
      if (!this.exclusive) {
        if (!alone()) {
          this.shared++;
          try {
            return await work(false);
          } finally {
            this.shared--;
            this.wake();
          }
        }
        if (this.shared === 0) {
          this.exclusive = true;
          try {
            return await work(true);
          } finally {
            this.exclusive = false;
            this.wake();
          }
        }
      }
      await new Promise((resolve5) => this.waiting.push(resolve5));
    }
  }
  wake() {
    for (const resolve5 of this.waiting.splice(0)) resolve5();
  }
};

// src/scan/phase.ts
import * as fs4 from "node:fs";
import * as path6 from "node:path";

// src/scan/trivy-args.ts
function trivyScanArgs(options) {
  const args = [
    "image",
    "--format",
    "json",
    "--output",
    options.output,
    "--severity",
    SEVERITIES.join(","),
    "--scanners",
    options.scanners.join(","),
    "--cache-dir",
    options.cacheDir,
    // The scan cache in memory: on disk it is a BoltDB one process locks for a whole scan (scans run at once).
    "--cache-backend",
    "memory",
    "--exit-code",
    "0",
    "--no-progress",
    "--quiet",
    // Said either way: the default changed in Trivy 0.67 (on), and without an SBOM the report stays small.
    options.listAllPkgs ? "--list-all-pkgs" : "--list-all-pkgs=false",
    // The action pins the version it runs, so Trivy's "a newer version exists" call home is noise; and a step run
    // in someone's CI sends no usage data to Aqua on their behalf (README, "Decisions").
    "--skip-version-check",
    "--disable-telemetry"
  ];
  if (options.dbRepositories?.length) args.push("--db-repository", options.dbRepositories.join(","));
  if (options.javaDbRepositories?.length) args.push("--java-db-repository", options.javaDbRepositories.join(","));
  if (options.ignoreUnfixed) args.push("--ignore-unfixed");
  if (options.ignoreFile) args.push("--ignorefile", options.ignoreFile);
  if (options.skipDbUpdate) args.push("--skip-db-update");
  if (options.skipJavaDbUpdate) args.push("--skip-java-db-update");
  args.push(options.image);
  return args;
}
function trivyConvertArgs(report, output, severity) {
  return ["convert", "--format", "sarif", "--severity", severity.join(","), "--output", output, report];
}
function trivySbomArgs(report, output) {
  return ["convert", "--format", "cyclonedx", "--output", output, report];
}

// src/scan/setup.ts
import * as fs3 from "node:fs";
import * as path5 from "node:path";

// src/tools/install.ts
import * as crypto from "node:crypto";
import * as fs2 from "node:fs";
import * as path3 from "node:path";
var TRIVY = {
  tool: "trivy",
  pinned: DEFAULT_TRIVY_VERSION,
  versionInput: "trivy-version",
  versionArgs: ["--version"],
  versionFrom: (text3) => /Version:\s*v?(\d+\.\d+\.\d+)/.exec(text3)?.[1],
  asset: (version, platform, arch) => trivyAsset(version, platform, arch),
  checksums: (version) => `trivy_${version}_checksums.txt`,
  kind: "tar",
  fix: { installWith: "aquasecurity/setup-trivy", otherwise: "set trivy-download-url to a mirror, or set scan: false" }
};
function trivyAsset(version, platform, arch) {
  const os2 = platform === "linux" ? "Linux" : platform === "darwin" ? "macOS" : void 0;
  const cpu = arch === "x64" ? "64bit" : arch === "arm64" ? "ARM64" : void 0;
  if (!os2 || !cpu)
    throw new ToolError("trivy", `Trivy has no release for ${platform}/${arch}; install it on the runner yourself`);
  return `trivy_${version}_${os2}-${cpu}.tar.gz`;
}
function checksumFor(checksums, asset) {
  for (const line of checksums.split("\n")) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
    if (m && m[2] === asset) return m[1].toLowerCase();
  }
  return void 0;
}
function sha256File(file) {
  return crypto.createHash("sha256").update(fs2.readFileSync(file)).digest("hex");
}
async function installTool(release, requested) {
  const { tool } = release;
  const platform = requested.platform ?? process.platform;
  const arch = requested.arch ?? process.arch;
  const tried = [];
  const onPath = await requested.run(tool, release.versionArgs, { allowFailure: true }).catch(() => void 0);
  const runs = onPath !== void 0 && onPath.exitCode === 0;
  const pathVersion = runs ? release.versionFrom(onPath.stdout) : void 0;
  if (runs && (!requested.version || pathVersion === requested.version)) {
    requested.log(
      `Using ${tool} ${pathVersion ?? "(a build that does not say its version)"} from PATH${requested.version ? "" : ` (${release.versionInput} is empty: any version on PATH)`}`
    );
    return { command: tool, source: "path" };
  }
  const options = { ...requested, version: requested.version || release.pinned };
  tried.push(
    runs ? `${tool} on PATH is ${pathVersion ?? "of an unknown version"}, not ${options.version}` : `no ${tool} on PATH`
  );
  const binary = (dir2) => path3.join(dir2, tool);
  const cached = await options.toolCache.find(tool, options.version, arch);
  if (cached && fs2.existsSync(binary(cached))) {
    options.log(`Using ${tool} ${options.version} from the tool cache`);
    return { command: binary(cached), source: "tool-cache" };
  }
  tried.push(`no ${tool} ${options.version} in the tool cache`);
  const cacheKey = `multistage-${tool}-${options.version}-${platform}-${arch}`;
  const toolDir = path3.join(options.toolCacheRoot, tool, options.version, arch);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      const hit = await options.actionsCache.restoreCache([toolDir], cacheKey);
      if (hit && fs2.existsSync(binary(toolDir))) {
        fs2.writeFileSync(`${toolDir}.complete`, "");
        options.log(`Using ${tool} ${options.version} restored from the Actions cache`);
        return { command: binary(toolDir), source: "actions-cache" };
      }
      tried.push(`no Actions cache entry ${cacheKey}`);
    } catch (error) {
      tried.push(`the Actions cache failed (${errorMessage(error)})`);
    }
  }
  const asset = release.asset(options.version, platform, arch);
  const base = `${options.downloadUrl}/v${options.version}`;
  const checksumsName = release.checksums(options.version);
  let download;
  let checksums;
  try {
    const checksumsFile = await options.toolCache.downloadTool(`${base}/${checksumsName}`);
    checksums = fs2.readFileSync(checksumsFile, "utf8");
    fs2.rmSync(checksumsFile, { force: true });
    download = await options.toolCache.downloadTool(`${base}/${asset}`);
  } catch (error) {
    tried.push(`downloading ${base}/${asset} failed: ${errorMessage(error)}`);
    throw unavailable(release, options.version, tried);
  }
  const expected = checksumFor(checksums, asset);
  if (!expected) {
    fs2.rmSync(download, { force: true });
    tried.push(`${checksumsName} has no checksum for ${asset}`);
    throw unavailable(release, options.version, tried);
  }
  const actual = sha256File(download);
  if (actual !== expected) {
    fs2.rmSync(download, { force: true });
    tried.push(
      `checksum mismatch for ${asset}: ${checksumsName} says ${expected}, the download is ${actual}; refusing to run it`
    );
    throw unavailable(release, options.version, tried);
  }
  let dir;
  if (release.kind === "tar") {
    const extracted = await options.toolCache.extractTar(download);
    fs2.rmSync(download, { force: true });
    if (!fs2.existsSync(binary(extracted))) {
      fs2.rmSync(extracted, { recursive: true, force: true });
      tried.push(`${asset} holds no ${tool} binary`);
      throw unavailable(release, options.version, tried);
    }
    dir = await options.toolCache.cacheDir(extracted, tool, options.version, arch);
    fs2.rmSync(extracted, { recursive: true, force: true });
  } else {
    fs2.chmodSync(download, 493);
    dir = await options.toolCache.cacheFile(download, tool, tool, options.version, arch);
    fs2.rmSync(download, { force: true });
  }
  options.log(`Installed ${tool} ${options.version} from ${base}/${asset} (sha256 ${actual})`);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      await options.actionsCache.saveCache([toolDir], cacheKey);
    } catch (error) {
      options.log(`Could not save ${tool} to the Actions cache: ${errorMessage(error)}`);
    }
  }
  return { command: binary(dir), source: "download" };
}
function installTrivy(requested) {
  return installTool(TRIVY, requested);
}
function unavailable(release, version, tried) {
  const name = release.tool[0].toUpperCase() + release.tool.slice(1);
  return new ToolError(
    release.tool,
    `${name} ${version} is not available. Tried:
${tried.map((t) => `  - ${t}`).join("\n")}
To fix: install ${release.tool} ${version} on the runner (e.g. ${release.fix.installWith}), set ${release.versionInput} to the version on PATH, let the runner reach the release download, ${release.fix.otherwise}.`
  );
}

// src/scan/db-cache.ts
import { createHash as createHash2 } from "node:crypto";
import * as path4 from "node:path";
var DB_CACHE_PREFIX = "multistage-trivy-db-";
function dbCacheKeys(now, repositories2 = []) {
  const source = repositories2.length === 0 ? "default" : createHash2("sha256").update(repositories2.join("\n")).digest("hex").slice(0, 12);
  const prefix = `${DB_CACHE_PREFIX}${source}-`;
  return { key: `${prefix}${now.toISOString().slice(0, 10)}`, restoreKeys: [prefix] };
}
function dbPaths(cacheDir) {
  return [path4.join(cacheDir, "db"), path4.join(cacheDir, "java-db")];
}
async function restoreDb(cache, cacheDir, now, log, repositories2 = []) {
  if (!cache.isFeatureAvailable()) return { fresh: false, save: async () => void 0 };
  const { key, restoreKeys } = dbCacheKeys(now, repositories2);
  let hit;
  try {
    hit = await cache.restoreCache(dbPaths(cacheDir), key, restoreKeys);
    log(hit ? `Restored the Trivy DB from the Actions cache (${hit})` : "No cached Trivy DB yet; Trivy downloads it");
  } catch (error) {
    log(`Could not restore the Trivy DB from the Actions cache: ${errorMessage(error)}`);
  }
  let saved = false;
  return {
    fresh: hit === key,
    // Once per run, whichever target's scan comes first: a cache key is written once.
    save: async () => {
      if (hit === key || saved) return;
      saved = true;
      try {
        const id = await cache.saveCache(dbPaths(cacheDir), key);
        log(
          id === -1 ? `The Trivy DB was not saved to the Actions cache as ${key}; the next job downloads it again` : `Saved the Trivy DB to the Actions cache as ${key}`
        );
      } catch (error) {
        log(`Could not save the Trivy DB to the Actions cache: ${errorMessage(error)}`);
      }
    }
  };
}

// src/scan/setup.ts
async function setUpTrivy(options) {
  const notes = [];
  const log = (message) => void notes.push(message);
  const installed = await installTrivy({
    run: options.run,
    version: options.version,
    downloadUrl: options.downloadUrl,
    toolCache: options.caches.toolCache,
    actionsCache: options.caches.actionsCache,
    toolCacheRoot: options.toolCacheRoot,
    log
  });
  const cacheDir = path5.join(options.home, ".cache", "trivy");
  const db = await restoreDb(
    options.caches.actionsCache,
    cacheDir,
    new Date(options.now()),
    log,
    options.dbRepositories
  );
  return { trivy: installed.command, cacheDir, db, notes };
}
function dbSkips(cacheDir, fresh) {
  const has = (...parts) => fs3.existsSync(path5.join(cacheDir, ...parts));
  return {
    skipDbUpdate: fresh && has("db", "trivy.db") && has("db", "metadata.json"),
    skipJavaDbUpdate: fresh && has("java-db", "metadata.json")
  };
}
function dbIsCurrent(cacheDir, now) {
  try {
    if (!fs3.existsSync(path5.join(cacheDir, "db", "trivy.db"))) return false;
    const meta = JSON.parse(fs3.readFileSync(path5.join(cacheDir, "db", "metadata.json"), "utf8"));
    const next = typeof meta.NextUpdate === "string" ? Date.parse(meta.NextUpdate) : NaN;
    const downloaded = typeof meta.DownloadedAt === "string" ? Date.parse(meta.DownloadedAt) : NaN;
    if (meta.Version !== 2 || !(downloaded > 0)) return false;
    return now < next || now < downloaded + 36e5;
  } catch {
    return false;
  }
}

// src/scan/report.ts
var FINDING_KINDS = ["vulnerability", "secret", "misconfiguration", "license"];
var SCANNER_OF = {
  vulnerability: "vuln",
  secret: "secret",
  misconfiguration: "misconfig",
  license: "license"
};
var TrivyReportError = class extends Error {
  name = "TrivyReportError";
};
function severityOf(value) {
  return value !== void 0 && isSeverity(value) ? value : "UNKNOWN";
}
var text = (value) => typeof value === "string" && value !== "" ? value : void 0;
var list = (value) => Array.isArray(value) ? value : [];
var lineOf = (value) => typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : void 0;
function parseTrivyReport(json) {
  let raw;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new TrivyReportError(
      `Trivy's report is not JSON (${error.message}); it starts with: ${JSON.stringify(json.slice(0, 80))}`
    );
  }
  if (typeof raw !== "object" || raw === null || raw.SchemaVersion !== 2) {
    throw new TrivyReportError(
      `Trivy's report is not a schema 2 JSON report (SchemaVersion: ${JSON.stringify(raw?.SchemaVersion)})`
    );
  }
  const findings = [];
  for (const result of list(raw.Results)) {
    const target = text(result.Target) ?? "";
    for (const v of list(result.Vulnerabilities)) {
      findings.push({
        kind: "vulnerability",
        id: text(v.VulnerabilityID) ?? "(no id)",
        severity: severityOf(v.Severity),
        target,
        pkg: text(v.PkgName) ?? "",
        installed: text(v.InstalledVersion) ?? "",
        fixed: text(v.FixedVersion),
        title: text(v.Title),
        url: text(v.PrimaryURL)
      });
    }
    for (const s of list(result.Secrets)) {
      findings.push({
        kind: "secret",
        id: text(s.RuleID) ?? "(no rule)",
        severity: severityOf(s.Severity),
        target,
        title: text(s.Title),
        line: lineOf(s.StartLine)
      });
    }
    for (const m of list(result.Misconfigurations)) {
      if (m.Status !== void 0 && m.Status !== "FAIL") continue;
      findings.push({
        kind: "misconfiguration",
        id: text(m.ID) ?? text(m.AVDID) ?? "(no id)",
        severity: severityOf(m.Severity),
        target,
        title: text(m.Title),
        url: text(m.PrimaryURL),
        line: lineOf(m.CauseMetadata?.StartLine)
      });
    }
    for (const l of list(result.Licenses)) {
      findings.push({
        kind: "license",
        id: text(l.Name) ?? "(unknown license)",
        severity: severityOf(l.Severity),
        target,
        pkg: text(l.PkgName) ?? text(l.FilePath),
        title: text(l.Category),
        url: text(l.Link)
      });
    }
  }
  return findings;
}
function zeroCounts() {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0]));
}
function countBySeverity(findings) {
  const counts = zeroCounts();
  for (const f of findings) if (f.kind === "vulnerability") counts[f.severity]++;
  return counts;
}
function countByKind(findings, scanners) {
  const counts = {};
  for (const kind of FINDING_KINDS) if (scanners.includes(SCANNER_OF[kind])) counts[kind] = zeroCounts();
  for (const f of findings) (counts[f.kind] ??= zeroCounts())[f.severity]++;
  return counts;
}
function rankFindings(findings) {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || Number(Boolean(b.fixed)) - Number(Boolean(a.fixed)) || FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) || a.id.localeCompare(b.id) || (a.pkg ?? a.target).localeCompare(b.pkg ?? b.target)
  );
}
function gateFindings(findings, failOn) {
  return rankFindings(findings.filter((f) => failOn.includes(f.severity)));
}
function describeFinding(f) {
  switch (f.kind) {
    case "vulnerability":
      return `${f.id} (${f.severity}) in ${f.pkg} ${f.installed}${f.fixed ? `, fixed in ${f.fixed}` : ", no fix yet"}`;
    case "secret":
      return `secret ${f.id}${f.title ? ` (${f.title})` : ""}, ${f.severity}, in ${f.target}${f.line ? ` line ${f.line}` : ""}`;
    case "misconfiguration":
      return `misconfiguration ${f.id}${f.title ? ` (${f.title})` : ""}, ${f.severity}, in ${f.target}${f.line ? ` line ${f.line}` : ""}`;
    case "license":
      return `license ${f.id}${f.title ? ` (${f.title})` : ""}, ${f.severity}, in ${f.pkg ?? f.target}`;
  }
}
function describeCounts(findings) {
  const parts = [];
  for (const kind of FINDING_KINDS) {
    const n = findings.filter((f) => f.kind === kind).length;
    if (n === 0) continue;
    const plural = kind === "vulnerability" ? "vulnerabilities" : `${kind}s`;
    parts.push(`${n} ${n === 1 ? kind : plural}`);
  }
  return parts.join(", ");
}
var CONTROL_RE = /[\u0000-\u001f\u007f]/g;
function sarifSafeReport(json) {
  if (!/\\(?:[bfnrt]|u00[01][0-9a-fA-F]|u007[fF])/.test(json)) return void 0;
  const raw = JSON.parse(json);
  const encode = (value) => value.replace(CONTROL_RE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  let changed = false;
  const safe = (value) => {
    if (typeof value !== "string") return value;
    const encoded = encode(value);
    if (encoded !== value) changed = true;
    return encoded;
  };
  for (const result of list(raw.Results)) {
    result.Target = safe(result.Target);
    for (const vuln of list(result.Vulnerabilities)) vuln.PkgPath = safe(vuln.PkgPath);
  }
  return changed ? JSON.stringify(raw) : void 0;
}

// src/scan/phase.ts
var MAX_TRIVY_REPORT_BYTES = 256 * 1024 * 1024;
var MAX_FINDING_ANNOTATIONS = 5;
var TrivyTurns = class {
  lock = new SharedOrAlone();
  /** A scan of this run has updated the DB: later scans skip the update. */
  dbReady = false;
};
var JAVA_DB_FIRST_RUN = "'--skip-java-db-update' cannot be specified on the first run";
var MAX_SBOM_BYTES = 256 * 1024 * 1024;
function countSbomPackages(text3) {
  let bom;
  try {
    bom = JSON.parse(text3);
  } catch {
    return -1;
  }
  const count = (components) => Array.isArray(components) ? components.reduce((n, c) => {
    if (typeof c !== "object" || c === null) return n;
    const { type, components: nested } = c;
    return n + (type === "library" ? 1 : 0) + count(nested);
  }, 0) : 0;
  const b = bom;
  return b && b.bomFormat === "CycloneDX" ? count(b.components) : -1;
}
function readTrivyReportText(file, maxBytes = MAX_TRIVY_REPORT_BYTES) {
  const size = fs4.existsSync(file) ? fs4.statSync(file).size : 0;
  if (size > maxBytes) {
    throw new TrivyReportError(`the report is ${size} bytes, over the limit of ${maxBytes} bytes`);
  }
  const text3 = readRegularText(file, maxBytes) ?? "";
  return { text: text3, findings: parseTrivyReport(text3) };
}
async function scan(deps, request) {
  const { ui, run: run2 } = deps;
  const { settings, image } = request;
  if (!settings.scan) return { status: "skipped" };
  const setup = await deps.trivy();
  for (const note of setup.notes.splice(0)) ui.info(note);
  const reportFile = path6.join(request.tempDir, `trivy-${request.target}.json`);
  const sarifFile = path6.join(request.outputDir, `trivy-${request.target}.sarif`);
  const turns2 = deps.scanTurns ?? new TrivyTurns();
  const scanOnce = (alone) => turns2.lock.run(
    () => alone || !(turns2.dbReady || dbSkips(setup.cacheDir, setup.db.fresh).skipDbUpdate || dbIsCurrent(setup.cacheDir, Date.now())),
    async (runsAlone) => {
      const restored = dbSkips(setup.cacheDir, setup.db.fresh);
      const skips = runsAlone ? { skipDbUpdate: restored.skipDbUpdate || turns2.dbReady, skipJavaDbUpdate: restored.skipJavaDbUpdate } : { skipDbUpdate: true, skipJavaDbUpdate: true };
      try {
        ui.info(`Scanning ${image} (${settings.scanners.join(", ")})${runsAlone ? "" : ", sharing Trivy's DB"}`);
        const args = trivyScanArgs({
          image,
          output: reportFile,
          cacheDir: setup.cacheDir,
          scanners: settings.scanners,
          ignoreUnfixed: settings["ignore-unfixed"],
          ignoreFile: settings.trivyignore,
          listAllPkgs: request.sbom === true,
          dbRepositories: settings["trivy-db-repository"],
          javaDbRepositories: settings["trivy-java-db-repository"],
          ...skips
        });
        ui.info(`[command]${[setup.trivy, ...args].join(" ")}`);
        await run2(setup.trivy, args);
        if (runsAlone) turns2.dbReady = true;
      } finally {
        await setup.db.save();
        for (const note of setup.notes.splice(0)) ui.info(note);
      }
    }
  );
  try {
    await scanOnce(false);
  } catch (error) {
    if (!(error instanceof CommandError && error.stderr.includes(JAVA_DB_FIRST_RUN))) throw error;
    ui.info("This image has JARs and there is no Java DB yet: scanning again alone, which downloads it");
    await scanOnce(true);
  }
  let report;
  try {
    report = readTrivyReportText(reportFile);
  } catch (error) {
    if (!(error instanceof TrivyReportError)) throw error;
    throw new ToolError("trivy", `Trivy's scan of ${image} gave no usable report: ${error.message}`, { cause: error });
  }
  const { findings } = report;
  const safe = sarifSafeReport(report.text);
  const sarifInput = safe === void 0 ? reportFile : path6.join(request.tempDir, `trivy-${request.target}.sarif-input.json`);
  if (safe !== void 0) {
    fs4.writeFileSync(sarifInput, safe);
    ui.info("Paths with control characters in the findings (file names the image chose): percent-encoded in the SARIF");
  }
  try {
    await run2(setup.trivy, trivyConvertArgs(sarifInput, sarifFile, settings.severity));
  } finally {
    if (sarifInput !== reportFile) fs4.rmSync(sarifInput, { force: true });
  }
  let sbom;
  if (request.sbom) {
    const sbomFile = path6.join(request.outputDir, `sbom-${request.target}.cdx.json`);
    await run2(setup.trivy, trivySbomArgs(reportFile, sbomFile));
    const packages = countSbomPackages(readRegularText(sbomFile, MAX_SBOM_BYTES) ?? "");
    if (packages < 0) throw new ToolError("trivy", `Trivy's CycloneDX conversion for ${image} is not a CycloneDX SBOM`);
    ui.info(`SBOM: ${sbomFile} (CycloneDX, ${packages} packages)`);
    sbom = { sbomFile, packages };
  }
  fs4.rmSync(reportFile, { force: true });
  const byKind = countByKind(findings, settings.scanners);
  for (const [kind, counts] of Object.entries(byKind)) {
    const label = kind === "vulnerability" ? "Vulnerabilities" : `${kind[0].toUpperCase()}${kind.slice(1)}s`;
    ui.info(
      `${label}: ${Object.entries(counts).reverse().map(([severity, n]) => `${n} ${severity}`).join(", ")}`
    );
  }
  ui.info(`SARIF: ${sarifFile}`);
  return {
    status: "scanned",
    counts: countBySeverity(findings),
    findings: byKind,
    reported: rankFindings(findings.filter((f) => settings.severity.includes(f.severity))),
    gated: gateFindings(findings, settings["fail-on"]),
    sarifFile,
    ...sbom ?? {}
  };
}
function findingsVerdict(ui, report, target, failOn) {
  const gated = report.gated ?? [];
  if (gated.length === 0) return void 0;
  for (const f of gated.slice(0, MAX_FINDING_ANNOTATIONS)) {
    ui.error(`${describeFinding(f)}${f.kind === "vulnerability" && f.title ? `: ${f.title}` : ""}`, {
      title: `${f.kind[0].toUpperCase()}${f.kind.slice(1)} ${f.id} in ${target}`
    });
  }
  if (gated.length > MAX_FINDING_ANNOTATIONS) {
    ui.info(
      `... and ${gated.length - MAX_FINDING_ANNOTATIONS} more findings at fail-on, not annotated: the job summary, the SARIF and code scanning list them`
    );
  }
  const shown = gated.slice(0, 10).map((f) => `  - ${describeFinding(f)}`);
  if (gated.length > 10) shown.push(`  - ... and ${gated.length - 10} more`);
  return `${describeCounts(gated)} at ${failOn.join("/")} (fail-on) in ${target}:
${shown.join("\n")}`;
}

// src/dockerfile/parse.ts
function instructions(text3) {
  const lines = text3.replace(/\r\n?/g, "\n").split("\n");
  let escape = "\\";
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === "escape") escape = directive[2];
  }
  const result = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i];
    if (/^\s*(#.*)?$/.test(first)) {
      i++;
      continue;
    }
    const start = i + 1;
    let body = "";
    let current = first;
    for (; ; ) {
      const trimmed = current.replace(/\s+$/, "");
      if (trimmed.endsWith(escape)) {
        body += trimmed.slice(0, -escape.length) + " ";
        i++;
        while (i < lines.length && /^\s*#/.test(lines[i])) i++;
        if (i >= lines.length) break;
        current = lines[i];
      } else {
        body += trimmed;
        i++;
        break;
      }
    }
    const match = /^\s*(\S+)\s*(.*)$/s.exec(body);
    if (!match) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2].trim(), line: start };
    result.push(instruction);
    for (const heredoc of instruction.args.matchAll(/<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) {
      const terminator = heredoc[2];
      while (i < lines.length && lines[i].trim() !== terminator) i++;
      i++;
    }
  }
  return result;
}
function expandArgs(value, values) {
  return value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_all, braced, op, word, bare) => {
      const name = braced ?? bare;
      const current = values[name];
      if (op === "-") return current ? current : word ?? "";
      if (op === "+") return current ? word ?? "" : "";
      return current ?? "";
    }
  );
}
function flagValues(args, flag) {
  const values = [];
  for (const m of args.matchAll(new RegExp(`--${flag}=("[^"]*"|'[^']*'|\\S+)`, "g"))) {
    values.push(m[1].replace(/^["']|["']$/g, ""));
  }
  return values;
}
function parseDockerfile(text3, buildArgs = {}) {
  const globalArgs = {};
  const stages = [];
  const byName = /* @__PURE__ */ new Map();
  const resolveStage = (ref) => {
    if (/^\d+$/.test(ref)) {
      const index = Number(ref);
      return index < stages.length ? index : void 0;
    }
    return byName.get(ref.toLowerCase());
  };
  const addDependency = (stage, ref) => {
    const index = resolveStage(ref);
    if (index === void 0) {
      if (!stage.images.includes(ref)) stage.images.push(ref);
    } else if (!stage.dependsOn.includes(index)) {
      stage.dependsOn.push(index);
    }
  };
  for (const instruction of instructions(text3)) {
    const current = stages.at(-1);
    if (current && instruction.keyword !== "FROM") current.body.push(instruction);
    if (instruction.keyword === "ARG" && !current) {
      for (const decl of instruction.args.split(/\s+/)) {
        const eq = decl.indexOf("=");
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const fallback = eq < 0 ? void 0 : decl.slice(eq + 1).replace(/^["']|["']$/g, "");
        globalArgs[name] = name in buildArgs ? buildArgs[name] : fallback;
      }
    } else if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const base = expandArgs(words[0] ?? "", globalArgs);
      const name = words.length >= 3 && words[1].toLowerCase() === "as" ? words[2] : void 0;
      const stage = {
        index: stages.length,
        name,
        base,
        from: words[0] ?? "",
        line: instruction.line,
        dependsOn: [],
        images: [],
        body: [instruction]
      };
      if (base.toLowerCase() !== "scratch") addDependency(stage, base);
      stages.push(stage);
      if (name) byName.set(name.toLowerCase(), stage.index);
    } else if (current && (instruction.keyword === "COPY" || instruction.keyword === "ADD")) {
      for (const from of flagValues(instruction.args, "from")) addDependency(current, from);
    } else if (current && instruction.keyword === "RUN") {
      for (const mount of flagValues(instruction.args, "mount")) {
        const from = /(?:^|,)from=([^,]+)/.exec(mount);
        if (from) addDependency(current, from[1]);
      }
    }
  }
  return { stages, globalArgs };
}
function findStage(dockerfile, target) {
  return dockerfile.stages.find((s) => s.name?.toLowerCase() === target.toLowerCase());
}
function stagesNeeded(dockerfile, target) {
  const needed = /* @__PURE__ */ new Set();
  const visit = (index) => {
    if (needed.has(index)) return;
    needed.add(index);
    for (const dep of dockerfile.stages[index].dependsOn) visit(dep);
  };
  visit(target.index);
  return dockerfile.stages.filter((s) => needed.has(s.index));
}
function stageLabel(stage) {
  return stage.name ?? `stage-${stage.index}`;
}
var STEP_KEYWORDS = /* @__PURE__ */ new Set(["FROM", "RUN", "COPY", "ADD", "WORKDIR"]);
function stepInstruction(stage, index, text3) {
  const steps = stage.body.filter((i) => STEP_KEYWORDS.has(i.keyword));
  const found = steps[index - 1];
  return found && text3.toUpperCase().startsWith(found.keyword) ? found : void 0;
}

// src/tools/caches.ts
function actionsToolCaches(cacheService) {
  const tc = once(() => import("./tool-cache-RWJSOO6A.js"));
  const cache = once(() => import("./cache-LU476KYS.js"));
  return {
    toolCache: {
      find: async (tool, version, arch) => (await tc()).find(tool, version, arch),
      downloadTool: async (url, dest) => (await tc()).downloadTool(url, dest),
      extractTar: async (file, dest) => (await tc()).extractTar(file, dest),
      cacheDir: async (dir, tool, version, arch) => (await tc()).cacheDir(dir, tool, version, arch),
      cacheFile: async (file, target, tool, version, arch) => (await tc()).cacheFile(file, target, tool, version, arch)
    },
    actionsCache: {
      // The same environment @actions/cache looks at (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL and the token).
      isFeatureAvailable: () => cacheService,
      restoreCache: async (paths, key, restoreKeys) => (await cache()).restoreCache(paths, key, restoreKeys),
      saveCache: async (paths, key) => (await cache()).saveCache(paths, key)
    }
  };
}

// src/meta/event.ts
import * as fs5 from "node:fs";
function readPayload(eventPath, warn) {
  if (!eventPath) return {};
  try {
    const payload = JSON.parse(fs5.readFileSync(eventPath, "utf8"));
    return payload && typeof payload === "object" ? payload : {};
  } catch (error) {
    warn(`Could not read the event file GITHUB_EVENT_PATH (${errorMessage(error)}); tags from its data are left out`);
    return {};
  }
}
function validDate(text3) {
  if (!text3) return void 0;
  const date = new Date(text3);
  return Number.isNaN(date.getTime()) ? void 0 : date;
}
function readRefContext(ctx, now, env = process.env, warn = () => void 0) {
  const payload = readPayload(ctx.eventPath, warn);
  const eventName = ctx.eventName ?? "";
  const pullRequest = /^pull_request/.test(eventName) ? payload.pull_request : void 0;
  let ref = ctx.ref ?? "";
  if (eventName === "pull_request_target" && (payload.number ?? pullRequest?.number) !== void 0) {
    ref = `refs/pull/${payload.number ?? pullRequest?.number}/merge`;
  }
  const sha = pullRequest?.head?.sha ?? ctx.sha ?? "";
  const commit = [...payload.commits ?? [], ...payload.head_commit ? [payload.head_commit] : []].find(
    (c) => c.id === sha
  );
  const lengthText = env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  const length = lengthText ? Number(lengthText) : 7;
  if (!Number.isInteger(length) || length < 4 || length > 40) {
    throw new ConfigurationError(
      "DOCKER_METADATA_SHORT_SHA_LENGTH",
      `"${lengthText}" is not a length of a short sha; use 4-40`,
      "environment"
    );
  }
  const repo = payload.repository;
  return {
    eventName,
    ref,
    sha,
    defaultBranch: repo?.default_branch,
    baseRef: ref.startsWith("refs/tags/") ? (payload.base_ref ?? void 0)?.replace(/^refs\/heads\//, "") : pullRequest?.base?.ref,
    commitDate: validDate(commit?.timestamp) ?? now,
    date: now,
    shortShaLength: length,
    repository: {
      name: repo?.name ?? ctx.repository?.split("/")[1],
      description: repo?.description ?? void 0,
      url: repo?.html_url ?? (ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : void 0),
      license: repo?.license?.spdx_id ?? void 0,
      private: repo?.private
    }
  };
}

// src/meta/naming.ts
function ociDescription(ref, target, version) {
  const entries = {
    "org.opencontainers.image.title": target,
    "org.opencontainers.image.description": ref.repository.description,
    "org.opencontainers.image.url": ref.repository.url,
    "org.opencontainers.image.source": ref.repository.url,
    "org.opencontainers.image.version": version,
    "org.opencontainers.image.created": ref.date.toISOString(),
    "org.opencontainers.image.revision": ref.sha || void 0,
    "org.opencontainers.image.licenses": ref.repository.license
  };
  return Object.fromEntries(Object.entries(entries).filter((e) => Boolean(e[1])));
}
function mergeByKey(defaults, user) {
  const key = (entry) => splitKeyValue(entry)?.key ?? entry;
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((entry) => !userKeys.has(key(entry))), ...user];
}
function annotationLevels(entries, severalPlatforms) {
  if (!severalPlatforms) return [...entries];
  return entries.flatMap((entry) => {
    const pair = splitKeyValue(entry);
    if (!pair || pair.key.includes(":")) return [entry];
    return [`manifest:${entry}`, `index:${entry}`];
  });
}
function nameTargets(inputs, ref, notice) {
  const names = /* @__PURE__ */ new Map();
  const owner = /* @__PURE__ */ new Map();
  const said = /* @__PURE__ */ new Set();
  for (const target of inputs.targets) {
    const image = render(inputs.image, { target: target.toLowerCase() });
    const fallback = [`${image}:${target.toLowerCase()}`];
    if (ref.sha) fallback.push(`${image}:${target.toLowerCase()}-${ref.sha.slice(0, ref.shortShaLength)}`);
    let tags = fallback;
    let version;
    if (inputs.tags.length > 0) {
      let naming;
      try {
        naming = nameTarget({
          image: inputs.image,
          target,
          severalTargets: inputs.targets.length > 1,
          entries: inputs.tags,
          flavor: inputs.flavor,
          ref
        });
      } catch (error) {
        if (error instanceof TagRuleError) throw new ConfigurationError("tags", error.message);
        throw error;
      }
      for (const warning2 of naming.warnings) {
        if (!said.has(warning2)) notice(`tags: ${warning2}`);
        said.add(warning2);
      }
      if (naming.tags.length > 0) {
        tags = naming.tags;
        version = naming.version;
      } else {
        const why = `gives no tag for this run (event ${ref.eventName || "none"}, ref ${ref.ref || "none"})`;
        if (inputs.push) {
          throw new ConfigurationError(
            "tags",
            `${why}, so there is nothing to push under; add a rule that applies (type=ref,event=branch, type=sha) or set push: false for this event`
          );
        }
        if (!said.has(why)) notice(`tags ${why}; the image is named ${fallback.join(", ")} for the gates`);
        said.add(why);
      }
    }
    for (const tag of tags) {
      const other = owner.get(tag);
      if (other !== void 0 && other !== target) {
        throw new ConfigurationError(
          "tags",
          `targets ${other} and ${target} would both be tagged ${tag}; name {{target}} in image or in the tag`
        );
      }
      owner.set(tag, target);
    }
    const description = Object.entries(ociDescription(ref, target, version)).map(([k, v]) => `${k}=${v}`);
    names.set(target, {
      tags,
      labels: mergeByKey(description, inputs.labels),
      annotations: annotationLevels(mergeByKey(description, inputs.annotations), inputs.platforms.length > 1),
      version
    });
  }
  return names;
}

// src/release/plan.ts
function builderId(ctx, env) {
  if (!ctx.onGitHub || !ctx.repository) return void 0;
  return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}/attempts/${env.GITHUB_RUN_ATTEMPT || "1"}`;
}
function withBuilderId(attrs, id) {
  if (!id || /(^|,)builder-id=/.test(attrs)) return attrs;
  return attrs ? `${attrs},builder-id=${id}` : `builder-id=${id}`;
}
function canGetOidcToken(env) {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}
function decideRelease(inputs, caps, ctx, ref, env) {
  const notices = [];
  if (inputs.sbom === true && !inputs.scan) {
    throw new ConfigurationError(
      "sbom",
      "comes from the scan, which is off (scan: false): turn the scan on or set sbom: false"
    );
  }
  const sbom = inputs.sbom ?? (inputs.push && inputs.scan);
  if (inputs.sbom === void 0 && inputs.push && !inputs.scan) {
    notices.push("No SBOM is attached: it comes from the scan, which is off (scan: false)");
  }
  if (!inputs.push) {
    if (inputs.sign !== "false") notices.push(`sign: ${inputs.sign}: not pushing, so nothing is signed`);
    return { sbom, attachSbom: false, cosign: false, notices };
  }
  let provenance;
  let provenanceMode;
  const given = inputs.provenance;
  if (given.kind === "on") {
    provenance = withBuilderId(given.attrs, builderId(ctx, env));
    provenanceMode = /(^|,)mode=max/.test(given.attrs) ? "max" : "min";
  } else if (given.kind === "default" && !/^(1|true)$/i.test(env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? "")) {
    provenanceMode = ref.repository.private ? "min" : "max";
    provenance = withBuilderId(ref.repository.private ? "mode=min,inline-only=true" : "mode=max", builderId(ctx, env));
  }
  let signer;
  if (inputs.sign === "key") {
    signer = { mode: "key", key: inputs["cosign-key"], password: inputs["cosign-password"] };
  } else if (inputs.sign === "keyless") {
    if (!canGetOidcToken(env)) {
      throw new ConfigurationError(
        "sign",
        `keyless signing needs the job's OIDC token: add "permissions: id-token: write" to the job (GitHub-hosted or self-hosted runners on GitHub), or use sign: key`
      );
    }
    signer = { mode: "keyless" };
  } else if (inputs.sign === "auto") {
    if (canGetOidcToken(env)) signer = { mode: "keyless" };
    else
      notices.push(
        "sign: auto: this job cannot get an OIDC token (permissions: id-token: write), so nothing is signed"
      );
  }
  const layoutCapable = caps.driver !== "docker" || caps.containerdStore;
  const classic = `the "docker" driver on the classic image store`;
  const remedy = "use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store";
  let path12;
  let attachSbom = sbom;
  if (layoutCapable && (provenance !== void 0 || sbom || signer !== void 0 || inputs.platforms.length > 1)) {
    path12 = "layout";
  } else {
    path12 = "docker-push";
    if (!layoutCapable && provenance !== void 0) {
      if (given.kind === "on") {
        throw new ConfigurationError("provenance", `cannot be attached: ${classic} keeps no attestations; ${remedy}`);
      }
      notices.push(`No provenance is attached: ${classic} keeps no attestations; ${remedy}`);
    }
    if (!layoutCapable && sbom) {
      notices.push(`The SBOM is written (sbom-file) but not attached: ${classic} keeps no attestations; ${remedy}`);
      attachSbom = false;
    }
    provenance = void 0;
    provenanceMode = void 0;
  }
  if (path12 === "layout" && provenance === void 0) provenance = "false";
  return {
    path: path12,
    provenance,
    provenanceMode,
    sbom,
    attachSbom,
    signer,
    cosign: path12 === "layout" || signer !== void 0,
    notices
  };
}

// src/release/cosign.ts
import * as fs6 from "node:fs";
import * as path7 from "node:path";
var DEFAULT_COSIGN_VERSION = "3.1.1";
var COSIGN_RELEASES_URL = "https://github.com/sigstore/cosign/releases/download";
var COSIGN = {
  tool: "cosign",
  pinned: DEFAULT_COSIGN_VERSION,
  versionInput: "cosign-version",
  versionArgs: ["version"],
  // "GitVersion:    v3.1.1"; a distribution's build may say "devel".
  versionFrom: (text3) => /GitVersion:\s*v?(\d+\.\d+\.\d+)/.exec(text3)?.[1],
  asset: (_version, platform, arch) => {
    const os2 = platform === "linux" || platform === "darwin" ? platform : void 0;
    const cpu = arch === "x64" ? "amd64" : arch === "arm64" ? "arm64" : void 0;
    if (!os2 || !cpu) {
      throw new ToolError("cosign", `cosign has no release for ${platform}/${arch}; install it on the runner yourself`);
    }
    return `cosign-${os2}-${cpu}`;
  },
  checksums: () => "cosign_checksums.txt",
  kind: "binary",
  fix: { installWith: "sigstore/cosign-installer", otherwise: "or set push: false" }
};
async function setUpCosign(options) {
  const notes = [];
  const installed = await installTool(COSIGN, {
    run: options.run,
    version: options.version,
    downloadUrl: COSIGN_RELEASES_URL,
    toolCache: options.caches.toolCache,
    actionsCache: options.caches.actionsCache,
    toolCacheRoot: options.toolCacheRoot,
    log: (message) => void notes.push(message)
  });
  return { command: installed.command, notes };
}
function markForCosign(layout) {
  const top = layout.top();
  const kind = top.mediaType === MEDIA.index || top.mediaType === MEDIA.dockerList ? "imageIndex" : "image";
  layout.setTop({ ...top, annotations: { ...top.annotations, kind: `dev.cosignproject.cosign/${kind}` } });
}
async function cosignLoad(run2, cosign, layout, reference) {
  await run2(cosign, ["load", "--dir", layout.dir, reference]);
}
var OFFLINE_SIGNING_CONFIG = JSON.stringify({
  mediaType: "application/vnd.dev.sigstore.signingconfig.v0.2+json",
  rekorTlogConfig: {},
  tsaConfig: {}
});
var COSIGN_KEY_ENV = "MULTISTAGE_COSIGN_KEY";
function signArgs(signer, reference, files) {
  const args = ["sign", "--yes", "--bundle", files.bundle];
  const env = {};
  if (signer.mode === "key") {
    const kms = /^[a-z0-9]+:\/\//.test(signer.key.trim());
    args.push("--key", kms ? signer.key.trim() : `env://${COSIGN_KEY_ENV}`, "--signing-config", files.signingConfig);
    if (!kms) env[COSIGN_KEY_ENV] = signer.key;
    env.COSIGN_PASSWORD = signer.password;
  }
  args.push(reference);
  return { args, env };
}
async function cosignSign(run2, cosign, signer, reference, dir) {
  if (!/@sha256:[0-9a-f]{64}$/.test(reference))
    throw new Error(`signing a reference that is not a digest: ${reference}`);
  const bundle = path7.join(dir, `signature-${reference.slice(-64, -52)}-${Date.now()}.sigstore.json`);
  const signingConfig = path7.join(dir, `cosign-signing-config-${reference.slice(-64, -52)}-${Date.now()}.json`);
  fs6.writeFileSync(signingConfig, OFFLINE_SIGNING_CONFIG);
  const { args, env } = signArgs(signer, reference, { bundle, signingConfig });
  try {
    await run2(cosign, args, { env });
  } catch (error) {
    if (error instanceof CommandError) {
      throw new ToolError("cosign", `Signing ${reference} (${signer.mode}) failed: ${error.message}`, { cause: error });
    }
    throw error;
  }
  return bundle;
}
async function checkKey(run2, cosign, signer) {
  const kms = /^[a-z0-9]+:\/\//.test(signer.key.trim());
  const result = await run2(cosign, ["public-key", "--key", kms ? signer.key.trim() : `env://${COSIGN_KEY_ENV}`], {
    env: { ...kms ? {} : { [COSIGN_KEY_ENV]: signer.key }, COSIGN_PASSWORD: signer.password },
    allowFailure: true
  });
  return result.exitCode === 0;
}

// src/pipeline/setup.ts
function readDockerfile(inputs, ctx) {
  const file = path8.resolve(ctx.workspace, inputs.file);
  const args = {};
  for (const entry of inputs["build-args"]) {
    const pair = splitKeyValue(entry);
    if (pair) args[pair.key] = pair.value;
  }
  const dockerfile = parseDockerfile(fs7.readFileSync(file, "utf8"), args);
  const named = dockerfile.stages.filter((s) => s.name).map((s) => s.name);
  const valid2 = named.length > 0 ? named.join(", ") : '(none: the Dockerfile has no "FROM ... AS name" stages)';
  for (const target of inputs.targets) {
    if (!findStage(dockerfile, target)) {
      throw new ConfigurationError(
        inputs.targets.length > 1 ? "targets" : "target",
        `stage "${target}" is not in ${inputs.file}; its stages are: ${valid2}`
      );
    }
  }
  for (const stage of inputs["no-cache-filters"]) {
    if (!findStage(dockerfile, stage)) {
      throw new ConfigurationError(
        "no-cache-filters",
        `stage "${stage}" is not in ${inputs.file}; its stages are: ${valid2}`
      );
    }
  }
  if (inputs["test-target"] && !findStage(dockerfile, inputs["test-target"])) {
    throw new ConfigurationError(
      "test-target",
      `stage "${inputs["test-target"]}" is not in ${inputs.file}; its stages are: ${valid2}`
    );
  }
  return dockerfile;
}
function gatePlatforms(platforms, native, ui) {
  if (platforms.length <= 1) return platforms;
  const match = platforms.find((p) => p === native || p.startsWith(`${native}/`));
  if (match) return [match];
  ui.warning(`The engine runs ${native}, which is not in platforms; the gates run ${platforms[0]} (needs emulation)`);
  return [platforms[0]];
}
function makeTempDir(runnerTemp) {
  try {
    fs7.mkdirSync(runnerTemp, { recursive: true });
    return fs7.mkdtempSync(path8.join(runnerTemp, "multistage-"));
  } catch (error) {
    throw new ConfigurationError(
      "RUNNER_TEMP",
      `"${runnerTemp}" cannot hold the run's temporary files (${errorMessage(error)}); point it at a writable folder`,
      "environment"
    );
  }
}
async function prepare(options) {
  const { inputs, ctx, run: run2, ui } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const dockerfile = readDockerfile(inputs, ctx);
  for (const secret of inputs.secrets) ui.secret(secret.value);
  for (const secret of inputs["secret-envs"]) ui.secret(env[secret.env] ?? "");
  ui.secret(inputs["cosign-key"]);
  ui.secret(inputs["cosign-password"]);
  const ref = readRefContext(ctx, new Date(clock.now()), env, (message) => ui.warning(message));
  const names = nameTargets(inputs, ref, (message) => ui.notice(message));
  const baseImages = commentWanted(inputs, ctx) ? baseBranchImages(inputs, ref) : void 0;
  const tempDir = makeTempDir(ctx.runnerTemp);
  options.cleanup.addTempDir(tempDir);
  if (inputs.scan && inputs["trivy-download-url"].startsWith("http:")) {
    ui.warning(
      `trivy-download-url is plain http (${inputs["trivy-download-url"]}); only a mirror on loopback is taken that way`
    );
  }
  const cacheInPlay = inputs.cache && (inputs["cache-to"].length > 0 || inputs["cache-from"].length > 0 || ctx.cacheService !== void 0);
  const ask = {
    driver: cacheInPlay || inputs.platforms.length > 1 || inputs.push,
    // Only the default cache on GitHub's v2 cache service depends on buildx's version.
    buildxVersion: inputs.cache && inputs["cache-from"].length === 0 && inputs["cache-to"].length === 0 && ctx.cacheService === "v2"
  };
  const engine = checkEngine(run2, ctx.dockerHost);
  const builderFacts = ask.driver || ask.buildxVersion;
  if (!builderFacts && baseImages === void 0) engine.catch(() => void 0);
  const detected = await detectCapabilities(run2, inputs.builder, ask, engine);
  const facts = !builderFacts && baseImages !== void 0 ? await engine : void 0;
  const caps = facts ? { ...detected, enginePlatform: facts.platform, engineVersion: facts.version } : detected;
  ui.debug(
    `buildx ${caps.buildxVersion}, driver ${caps.driver}, containerd store ${caps.containerdStore}, cache export ${caps.cacheExport}`
  );
  if (inputs.platforms.length > 1 && !caps.multiPlatform) {
    throw new ConfigurationError(
      "platforms",
      `lists ${inputs.platforms.length} platforms, but the "${caps.driver}" driver on the classic image store builds one at a time; use docker/setup-buildx-action (a docker-container builder), a remote builder, or turn on the containerd image store`
    );
  }
  const cacheFor = (target) => cacheFlags(
    {
      cache: inputs.cache,
      scope: inputs["cache-scope"] || target,
      cacheFrom: inputs["cache-from"],
      cacheTo: inputs["cache-to"]
    },
    caps,
    ctx.cacheService
  );
  const notice = cacheFor(inputs.targets[0]).notice;
  if (notice) ui.warning(notice);
  const release = decideRelease(inputs, caps, ctx, ref, env);
  for (const message of release.notices) ui.notice(message);
  const settings = buildSettings(inputs, ctx);
  const gates = gatePlatforms(inputs.platforms, caps.enginePlatform, ui);
  const plan = {
    inputs,
    ctx,
    dockerfile,
    caps,
    settings,
    annotation: {
      file: path8.relative(ctx.workspace, settings.file),
      stageLine: (stage) => findStage(dockerfile, stage)?.line,
      gatePlatform: gates[0]
    },
    gatePlatforms: gates,
    tempDir,
    outputDir: options.outputDir ?? tempDir,
    startedAt: clock.now(),
    cacheFor,
    names,
    ...baseImages ? { baseImages } : {},
    release
  };
  const caches = actionsToolCaches(ctx.cacheService !== void 0);
  const cosign = once(
    () => setUpCosign({ run: run2, version: inputs["cosign-version"], toolCacheRoot: ctx.toolCache, caches })
  );
  const services = {
    run: run2,
    ui,
    clock,
    background: new Background((message) => ui.warning(message)),
    cleanup: options.cleanup,
    trivy: options.trivy ?? once(
      () => setUpTrivy({
        run: run2,
        now: clock.now,
        version: inputs["trivy-version"],
        downloadUrl: inputs["trivy-download-url"],
        toolCacheRoot: ctx.toolCache,
        home: ctx.home,
        caches,
        dbRepositories: dbSources(inputs)
      })
    ),
    engine,
    scanTurns: new TrivyTurns(),
    cosign,
    builder: { oneOutput: false },
    layers: /* @__PURE__ */ new Map(),
    codeScanning: options.codeScanning ?? (async (token) => {
      ui.secret(token);
      const { octokitCodeScanning } = await import("./octokit-Y5DYT5UU.js");
      return octokitCodeScanning(token, ctx.apiUrl, (message) => ui.info(message));
    })
  };
  if (release.signer?.mode === "key") {
    const { command } = await cosign();
    if (!await checkKey(run2, command, release.signer)) {
      throw new ConfigurationError(
        "cosign-password",
        "does not open cosign-key (cosign public-key could not decrypt it); check both secrets"
      );
    }
  }
  return { plan, services };
}
function commentWanted(inputs, ctx) {
  return inputs.comment !== "false" && ctx.onGitHub && (ctx.eventName === "pull_request" || ctx.eventName === "pull_request_target");
}
function baseBranchImages(inputs, ref) {
  if (!ref.baseRef) return void 0;
  const branch = ref.baseRef;
  try {
    const names = nameTargets(
      { ...inputs, push: false },
      { ...ref, eventName: "push", ref: `refs/heads/${branch}` },
      () => void 0
    );
    return new Map([...names].map(([target, n]) => [target, { reference: n.tags[0], branch }]));
  } catch {
    return void 0;
  }
}
function dbSources(inputs, env = process.env) {
  const pick = (given, name) => given.length > 0 ? [...given] : parseList(env[name] ?? "");
  const db = pick(inputs["trivy-db-repository"], "TRIVY_DB_REPOSITORY");
  const java = pick(inputs["trivy-java-db-repository"], "TRIVY_JAVA_DB_REPOSITORY");
  return db.length + java.length === 0 ? [] : [...db, "", ...java];
}

// src/pipeline/pipeline.ts
import * as fs12 from "node:fs";

// src/build/checks.ts
var MAX_WARNINGS = 500;
function text2(value, max = 2e3) {
  return typeof value === "string" ? value.slice(0, max) : "";
}
function parseCheckOutput(stdout) {
  const start = stdout.indexOf("{");
  if (start < 0) return void 0;
  let parsed;
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch {
    return void 0;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return void 0;
  const { warnings } = parsed;
  if (warnings === void 0 || warnings === null) return [];
  if (!Array.isArray(warnings)) return void 0;
  return warnings.slice(0, MAX_WARNINGS).flatMap((w) => {
    if (typeof w !== "object" || w === null) return [];
    const o = w;
    const ranges = o.location?.ranges;
    const line = Array.isArray(ranges) ? ranges[0]?.start?.line : void 0;
    return [
      {
        rule: text2(o.ruleName, 200) || "UnknownRule",
        description: text2(o.description),
        detail: text2(o.detail),
        url: text2(o.url, 500),
        ...typeof line === "number" && Number.isInteger(line) && line > 0 ? { line } : {}
      }
    ];
  });
}
async function runBuildChecks(deps, settings, targets) {
  const results = await Promise.all(
    targets.map(async (target) => {
      const plan = buildPlan(settings, {
        target,
        tags: [],
        labels: [],
        cache: { cacheFrom: [], cacheTo: [] },
        output: { type: "check" },
        platforms: [],
        metadataFile: ""
      });
      try {
        const result = await deps.run("docker", buildxArgs(plan), { env: settings.secretValues, allowFailure: true });
        return { target, result, warnings: parseCheckOutput(result.stdout) };
      } catch (error) {
        return { target, result: { exitCode: -1, stdout: "", stderr: errorMessage(error) }, warnings: void 0 };
      }
    })
  );
  for (const { result, warnings } of results) {
    if (warnings === void 0) {
      return {
        warnings: [],
        unsupported: lastLines(result.stderr || result.stdout, 3) || `exit code ${result.exitCode}`
      };
    }
  }
  return {
    warnings: mergeWarnings(results.map(({ target, warnings }) => ({ target, warnings: warnings ?? [] })))
  };
}
function base64Text(value, max = 2e3) {
  return typeof value === "string" ? Buffer.from(value, "base64").toString("utf8").slice(0, max) : "";
}
function metadataWarnings(metadata) {
  const warnings = metadata["buildx.build.warnings"];
  if (!Array.isArray(warnings)) return [];
  return warnings.slice(0, MAX_WARNINGS).flatMap((w) => {
    if (typeof w !== "object" || w === null) return [];
    const o = w;
    const short = base64Text(o.short);
    const m = /^([A-Za-z][\w]*): (.*?)(?: \(line \d+\))?$/s.exec(short);
    if (!m) return [];
    const range = Array.isArray(o.range) ? o.range[0] : void 0;
    const line = range?.start?.line;
    return [
      {
        rule: m[1].slice(0, 200),
        description: Array.isArray(o.detail) ? base64Text(o.detail[0]) : "",
        detail: m[2],
        url: text2(o.url, 500),
        ...typeof line === "number" && Number.isInteger(line) && line > 0 ? { line } : {}
      }
    ];
  });
}
function mergeWarnings(perTarget) {
  const byKey = /* @__PURE__ */ new Map();
  for (const { target, warnings } of perTarget) {
    for (const w of warnings) {
      const key = `${w.rule}\0${w.line ?? ""}\0${w.detail}`;
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.targets.includes(target)) seen.targets.push(target);
      } else byKey.set(key, { ...w, targets: [target] });
    }
  }
  return [...byKey.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
function describeWarning(w) {
  return `${w.rule}${w.line ? ` (line ${w.line})` : ""}: ${w.detail || w.description}`;
}
function reportChecks(ui, result, file) {
  if (result.unsupported !== void 0) {
    ui.notice(
      "Build checks skipped: this builder's Dockerfile frontend cannot run them (docker buildx build --call check); the build goes on without them"
    );
    ui.info(`What buildx said:
${result.unsupported}`);
    return;
  }
  if (result.warnings.length === 0) {
    ui.info("Build checks: no warnings");
    return;
  }
  ui.info(`Build checks: ${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"}`);
  for (const w of result.warnings) {
    ui.info(`  - ${describeWarning(w)} [${w.targets.join(", ")}]${w.url ? ` ${w.url}` : ""}`);
    ui.warning(`${w.detail || w.description}${w.url ? `
More info: ${w.url}` : ""}`, {
      title: `Build check ${w.rule}: ${w.description}`,
      file,
      ...w.line ? { startLine: w.line } : {}
    });
  }
}

// src/pipeline/road.ts
import * as path10 from "node:path";

// src/smoke/phase.ts
import { randomBytes } from "node:crypto";
import * as fs8 from "node:fs";
import * as path9 from "node:path";

// src/smoke/args.ts
var CONTAINER_LABEL = "com.github.multistage-action";
var HARDENED_FLAGS = [
  "--read-only",
  "--tmpfs",
  "/tmp:rw,noexec,nosuid,size=64m",
  "--cap-drop",
  "ALL",
  "--security-opt",
  "no-new-privileges",
  "--pids-limit",
  "256",
  "--memory",
  "512m"
];
function smokeRunArgs(options) {
  const args = [
    "run",
    "--detach",
    "--name",
    options.name,
    "--label",
    `${CONTAINER_LABEL}=${options.runId}`,
    "--label",
    `${CONTAINER_LABEL}.target=${options.target}`,
    "--publish",
    `127.0.0.1::${options.containerPort}`
  ];
  if (options.envFile) args.push("--env-file", options.envFile);
  if (options.hardened) args.push(...HARDENED_FLAGS);
  args.push(options.image);
  return args;
}
function parseHostPort(text3) {
  for (const line of text3.split("\n")) {
    const m = /^(?:\d+\.\d+\.\d+\.\d+|0\.0\.0\.0):(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return void 0;
}

// src/smoke/poll.ts
var MIN_REQUEST_MS = 500;
function exitedMessage(condition) {
  const oom = condition.oomKilled ? " (killed: out of memory)" : "";
  return `the container exited with code ${condition.exitCode}${oom} before it was healthy`;
}
function restartingMessage(exitCode) {
  return `the container is restarting (it exited with code ${exitCode})`;
}
function describe(probe, expected) {
  if (!probe) return "no answer yet";
  if ("status" in probe) return `answered HTTP ${probe.status}, expected ${expected}`;
  return probe.error;
}
async function pollHealth(options) {
  const conditionEvery = options.conditionIntervalMs ?? options.intervalMs;
  let attempts = 0;
  let last;
  let conditionAt = -Infinity;
  for (; ; ) {
    attempts++;
    const started = options.now();
    let pending;
    if (started - conditionAt >= conditionEvery) {
      conditionAt = started;
      pending = settled(options.condition());
    }
    const remaining = Math.max(MIN_REQUEST_MS, options.deadline - started);
    const probe = await options.probe(Math.min(options.requestTimeoutMs, remaining));
    last = probe;
    if ("status" in probe && probe.status === options.expectedStatus) return { ok: true, attempts };
    const answer = pending ? await pending : void 0;
    if (answer && "error" in answer) throw answer.error;
    const condition = answer?.value;
    if (condition?.state === "exited") {
      return {
        ok: false,
        reason: "exited",
        exitCode: condition.exitCode,
        message: exitedMessage(condition),
        attempts
      };
    }
    if (condition?.state === "restarting") {
      return {
        ok: false,
        reason: "restarting",
        exitCode: condition.exitCode,
        message: restartingMessage(condition.exitCode),
        attempts
      };
    }
    if (condition?.state === "running" && condition.health === "unhealthy") {
      return {
        ok: false,
        reason: "unhealthy",
        message: `Docker reports the container unhealthy (its HEALTHCHECK failed); the endpoint ${describe(last, options.expectedStatus)}`,
        attempts
      };
    }
    const now = options.now();
    if (now >= options.deadline) {
      return {
        ok: false,
        reason: "timeout",
        message: `not healthy before the deadline: the endpoint ${describe(last, options.expectedStatus)}`,
        attempts
      };
    }
    await options.sleep(Math.min(Math.max(0, started + options.intervalMs - now), options.deadline - now));
  }
}

// src/smoke/phase.ts
var POLL_INTERVAL_MS = 100;
var CONDITION_INTERVAL_MS = 500;
var REQUEST_TIMEOUT_MS = 2e3;
var DEFAULT_HEALTHCHECK_TIMEOUT_MS = 3e4;
var LOG_LINES = 50;
function writeEnvFile(dir, entries) {
  if (entries.length === 0) return void 0;
  const file = path9.join(dir, `smoke-env-${randomBytes(6).toString("hex")}`);
  fs8.writeFileSync(file, entries.map((e) => `${e.key}=${e.value}
`).join(""), { mode: 384, flag: "wx" });
  return file;
}
var SmokeFailed = class extends Error {
  constructor(report) {
    super(report.reason);
    this.report = report;
  }
  report;
};
async function smoke(deps, request) {
  const { ui } = deps;
  const { settings, target, image } = request;
  if (!settings.smoke) return { status: "skipped", reason: "smoke is false" };
  const containerPort = settings.port ?? image.exposedPorts[0];
  if (containerPort === void 0) {
    const reason = 'the image EXPOSEs no port and the "port" input is empty';
    ui.notice(`Smoke test of ${target} skipped: ${reason}`);
    return { status: "skipped", reason };
  }
  const name = `multistage-${target}-${randomBytes(4).toString("hex")}`.toLowerCase();
  deps.containers.addContainer(name);
  const started = deps.clock.now();
  const fail = async (reason, known = {}) => {
    const more = await explainFailure(deps, name);
    const seconds = (deps.clock.now() - started) / 1e3;
    throw new SmokeFailed({
      status: "failed",
      seconds,
      containerPort,
      ...known,
      reason: `${reason} (after ${seconds.toFixed(1)} s)${more}`
    });
  };
  try {
    return await smokeContainer(deps, request, name, containerPort, started, fail);
  } catch (error) {
    if (error instanceof SmokeFailed) return error.report;
    throw error;
  } finally {
    deps.background.defer(
      removeContainer(deps.run, name).then(async (removed) => removed || await removeContainer(deps.run, name)).then((removed) => {
        if (removed) deps.containers.removeContainer(name);
        else ui.warning(`Could not remove container ${name}; remove it with: docker rm --force ${name}`);
      })
    );
  }
}
async function smokeContainer(deps, request, name, containerPort, started, fail) {
  const { ui, run: run2, clock } = deps;
  const { settings } = request;
  const envFile = writeEnvFile(request.tempDir, settings["smoke-env"]);
  try {
    await run2(
      "docker",
      smokeRunArgs({
        name,
        image: request.image.imageId,
        containerPort,
        runId: request.runId,
        target: request.target,
        envFile,
        hardened: settings["smoke-hardened"]
      })
    );
  } finally {
    if (envFile) fs8.rmSync(envFile, { force: true });
  }
  const published = await run2("docker", ["port", name, `${containerPort}/tcp`], { allowFailure: true });
  const hostPort = published.exitCode === 0 ? parseHostPort(published.stdout) : void 0;
  if (hostPort === void 0) {
    const condition = conditionFrom(await containerState(run2, name));
    return fail(
      condition.state === "exited" ? exitedMessage(condition) : `Docker published no host port for container port ${containerPort} (${clip(published.stderr.trim(), 500) || "no port"})`
    );
  }
  const base = `http://127.0.0.1:${hostPort}`;
  const ports = { hostPort, containerPort };
  if (settings["smoke-hardened"]) ui.info(`Hardened run: ${HARDENED_FLAGS.join(" ")}`);
  ui.info(
    `Started ${name} from ${request.image.tags[0]}; polling ${base}${settings["health-path"]} for HTTP ${settings["health-status"]} (up to ${settings["smoke-timeout"]} s)`
  );
  const outcome = await pollHealth({
    probe: httpProbe(`${base}${settings["health-path"]}`),
    condition: async () => conditionFrom(await containerState(run2, name)),
    expectedStatus: settings["health-status"],
    deadline: started + settings["smoke-timeout"] * 1e3,
    intervalMs: POLL_INTERVAL_MS,
    conditionIntervalMs: CONDITION_INTERVAL_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    now: clock.now,
    sleep: clock.sleep
  });
  const seconds = (clock.now() - started) / 1e3;
  if (!outcome.ok) return fail(`${outcome.message} (GET ${settings["health-path"]} on port ${containerPort})`, ports);
  ui.info(`Healthy after ${seconds.toFixed(1)} s (${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"})`);
  for (const extra of settings["smoke-paths"]) {
    const answer = await httpProbe(`${base}${extra}`)(REQUEST_TIMEOUT_MS);
    if (!("status" in answer) || answer.status < 200 || answer.status > 299) {
      const what = "status" in answer ? `answered HTTP ${answer.status}` : answer.error;
      return fail(`${extra} ${what}, expected 2xx`, { ...ports, seconds });
    }
    ui.info(`${extra}: HTTP ${answer.status}`);
  }
  const unstable = await checkStable(deps, name, settings["smoke-stable-seconds"]);
  if (unstable) return fail(unstable, { ...ports, seconds });
  return { status: "passed", seconds, ...ports };
}
async function checkStable(deps, name, stableSeconds) {
  const { run: run2, ui } = deps;
  if (stableSeconds > 0) await deps.clock.sleep(stableSeconds * 1e3);
  const after = `${stableSeconds} s after it was healthy`;
  const condition = conditionFrom(await containerState(run2, name));
  if (condition.state === "exited") return `the container exited with code ${condition.exitCode} ${after}`;
  if (condition.state === "restarting") return `${restartingMessage(condition.exitCode)} ${after}`;
  if (condition.health === void 0 || condition.health === "none") {
    ui.info(`Still running ${after}`);
    return void 0;
  }
  if (condition.health === "unhealthy") return `Docker reports the container unhealthy ${after}`;
  if (condition.health === "healthy") {
    ui.info(`Still running and healthy by its HEALTHCHECK ${after}`);
    return void 0;
  }
  const config = await containerHealthcheck(run2, name);
  const argv = healthcheckArgv(config);
  if (!argv) return void 0;
  const timeoutMs = config?.Timeout ? Math.ceil(config.Timeout / 1e6) : DEFAULT_HEALTHCHECK_TIMEOUT_MS;
  const result = await run2("docker", ["exec", name, ...argv], { allowFailure: true, timeoutMs });
  if (result.exitCode !== 0) {
    const output = clip(`${result.stdout}${result.stderr}`.trim(), 2e3) || "(no output)";
    return result.timedOut ? `its HEALTHCHECK did not finish within its timeout of ${timeoutMs} ms (run ${after})` : `its HEALTHCHECK failed ${after}: exit code ${result.exitCode}: ${output}`;
  }
  ui.info(`Still running ${after}; its HEALTHCHECK passed (run now: Docker had not run it yet)`);
  return void 0;
}
async function explainFailure(deps, name) {
  const probe = await lastHealthcheckOutput(deps.run, name);
  const logs = await containerLogs(deps.run, name, LOG_LINES);
  if (probe) deps.ui.info(`Last HEALTHCHECK probe: ${probe}`);
  deps.ui.info(`Last ${LOG_LINES} log lines of ${name}:`);
  deps.ui.info(logs ? logs : "(the container wrote no logs)");
  return `${probe ? `; last HEALTHCHECK probe: ${probe}` : ""}; its last log lines are in the "Smoke test" group of the log`;
}

// src/sarif/phase.ts
import * as fs10 from "node:fs";
import { pathToFileURL } from "node:url";

// src/sarif/prepare.ts
import * as zlib from "node:zlib";
var LIMITS = {
  gzipBytes: 10 * 1024 * 1024,
  resultsPerRun: 25e3,
  rulesPerRun: 25e3,
  locationsPerResult: 1e3,
  tagsPerRule: 20,
  /** Our own cap on each rule text (description, help): keeps a few huge advisories from filling the 10 MB. */
  ruleTextChars: 8e3
};
function automationId(category) {
  return category.endsWith("/") ? category : `${category}/`;
}
function severityScore(result, rules) {
  const rule = rules.get(String(result.ruleId));
  const score = Number(rule?.properties?.["security-severity"]);
  if (!Number.isNaN(score)) return score;
  return { error: 7, warning: 4, note: 1 }[String(result.level)] ?? 0;
}
function truncateText(holder, field, max) {
  if (!holder || typeof holder !== "object") return false;
  const record = holder;
  const text3 = record[field];
  if (typeof text3 === "string" && text3.length > max) {
    record[field] = `${text3.slice(0, max - 1)}\u2026`;
    return true;
  }
  return false;
}
function prepareSarif(input, options) {
  const limits = { ...LIMITS, ...options.limits };
  const sarif = structuredClone(input);
  const warnings = [];
  if (!Array.isArray(sarif.runs) || sarif.runs.length === 0) throw new Error("the SARIF log has no runs");
  if (sarif.runs.length > 1)
    warnings.push(`the SARIF has ${sarif.runs.length} runs; each is tagged with category ${options.category}`);
  for (const run2 of sarif.runs) {
    run2.automationDetails = { ...run2.automationDetails ?? {}, id: automationId(options.category) };
    const rules = run2.tool.driver.rules ?? [];
    const byId = new Map(rules.map((r) => [String(r.id), r]));
    let results = run2.results ?? [];
    if (results.length > limits.resultsPerRun) {
      results = [...results].sort((a, b) => severityScore(b, byId) - severityScore(a, byId)).slice(0, limits.resultsPerRun);
      warnings.push(
        `kept the ${limits.resultsPerRun} most severe of ${run2.results?.length} results (GitHub's limit per run)`
      );
    }
    let trimmedLocations = 0;
    for (const result of results) {
      const locations = result.locations;
      if (Array.isArray(locations) && locations.length > limits.locationsPerResult) {
        result.locations = locations.slice(0, limits.locationsPerResult);
        trimmedLocations++;
      }
    }
    if (trimmedLocations)
      warnings.push(`trimmed the locations of ${trimmedLocations} results to ${limits.locationsPerResult} each`);
    if (rules.length > limits.rulesPerRun) {
      const used = new Set(results.map((r) => String(r.ruleId)));
      run2.tool.driver.rules = rules.filter((r) => used.has(String(r.id))).slice(0, limits.rulesPerRun);
      warnings.push(`kept ${run2.tool.driver.rules.length} of ${rules.length} rules (GitHub's limit per run)`);
    }
    let cut = 0;
    for (const rule of run2.tool.driver.rules ?? []) {
      for (const [holder, field] of [
        [rule.fullDescription, "text"],
        [rule.shortDescription, "text"],
        [rule.help, "text"],
        [rule.help, "markdown"]
      ]) {
        if (truncateText(holder, field, limits.ruleTextChars)) cut++;
      }
      const props = rule.properties;
      if (Array.isArray(props?.tags) && props.tags.length > limits.tagsPerRule)
        props.tags = props.tags.slice(0, limits.tagsPerRule);
    }
    if (cut) warnings.push(`cut ${cut} rule texts to ${limits.ruleTextChars} characters`);
    run2.results = results;
  }
  let gzipped = zlib.gzipSync(JSON.stringify(sarif));
  if (gzipped.length > limits.gzipBytes) {
    for (const run2 of sarif.runs) for (const rule of run2.tool.driver.rules ?? []) delete rule.help;
    gzipped = zlib.gzipSync(JSON.stringify(sarif));
    warnings.push(`dropped the rules' help texts to fit GitHub's ${limits.gzipBytes / 1024 / 1024} MB gzip limit`);
  }
  while (gzipped.length > limits.gzipBytes) {
    let dropped = 0;
    for (const run2 of sarif.runs) {
      const byId = new Map((run2.tool.driver.rules ?? []).map((r) => [String(r.id), r]));
      const results = [...run2.results ?? []].sort((a, b) => severityScore(b, byId) - severityScore(a, byId));
      const keep = Math.floor(results.length / 2);
      dropped += results.length - keep;
      run2.results = results.slice(0, keep);
    }
    if (dropped === 0) throw new Error(`the SARIF log is over ${limits.gzipBytes} bytes gzipped even without results`);
    gzipped = zlib.gzipSync(JSON.stringify(sarif));
    warnings.push(`dropped the ${dropped} least severe results to fit GitHub's gzip limit`);
  }
  const resultCount = sarif.runs.reduce((n, run2) => n + (run2.results?.length ?? 0), 0);
  return { sarif, gzipped, resultCount, warnings };
}

// src/sarif/upload.ts
import * as fs9 from "node:fs";
function readEvent(ctx, warn = () => void 0) {
  let payload = {};
  try {
    if (ctx.eventPath) payload = JSON.parse(fs9.readFileSync(ctx.eventPath, "utf8"));
  } catch (error) {
    warn(
      `Could not read the event file GITHUB_EVENT_PATH (${errorMessage(error)}); a pull request from a fork is not recognised as one`
    );
    payload = {};
  }
  const pr = payload.pull_request;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  return {
    fromFork: Boolean(pr && head && base && head !== base),
    dependabot: ctx.actor === "dependabot[bot]",
    pullNumber: pr?.number
  };
}
function uploadRef(ctx, event) {
  if (!ctx.sha) {
    throw new ConfigurationError(
      "GITHUB_SHA",
      "is not set: code scanning needs the commit that was analysed",
      "environment"
    );
  }
  let ref = ctx.ref;
  if (!ref && event.pullNumber !== void 0) ref = `refs/pull/${event.pullNumber}/merge`;
  if (!ref) {
    throw new ConfigurationError(
      "GITHUB_REF",
      "is not set: code scanning needs the ref that was analysed",
      "environment"
    );
  }
  return { ref, commitSha: ctx.sha };
}
function explainForbidden(message, event) {
  if (event.fromFork) {
    return "the workflow runs on a pull request from a fork, whose token is read-only; code scanning results are uploaded on the base repository's own runs (push, or pull_request_target with care)";
  }
  if (event.dependabot) {
    return "Dependabot pull requests get a read-only token; results are uploaded when the change reaches a branch of this repository";
  }
  if (/advanced security|code scanning is not enabled|not enabled for this repository/i.test(message)) {
    return "code scanning is not enabled for this repository; enable it under Settings \u2192 Code security (private repositories need GitHub Advanced Security)";
  }
  if (/resource not accessible by integration/i.test(message)) {
    return "the token lacks permission; give the job `permissions: security-events: write`";
  }
  return `the API refused the upload (${message}); check that the token has security-events: write`;
}
async function waitForProcessing(api, owner, repo, id, options) {
  const deadline = options.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1e3;
  for (; ; ) {
    const status = await api.getSarif(owner, repo, id);
    if (status.processing_status === "complete") return { status: "complete" };
    if (status.processing_status === "failed") return { status: "failed", errors: status.errors ?? [] };
    if (options.now() + delay > deadline) return { status: "timeout" };
    await options.sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 3e3);
  }
}

// src/sarif/phase.ts
var PROCESSING_TIMEOUT_MS = 12e4;
function httpStatus(error) {
  return typeof error === "object" && error !== null ? error.status : void 0;
}
function networkErrorCode(error) {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = current.code;
    if (typeof code === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = current.cause;
  }
  return void 0;
}
var NETWORK_WORDS = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name did not resolve",
  EAI_AGAIN: "the host name did not resolve (DNS failed)",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out"
};
function apiMessage(error) {
  const e = error;
  return e?.response?.data?.message ?? errorMessage(error);
}
function defaultCategory(target) {
  return `multistage/${target}`;
}
async function sendSarif(deps, request) {
  const { ui } = deps;
  const { settings, ctx, target, sarifFile } = request;
  const category = settings.category || defaultCategory(target);
  const prepared = prepareSarif(JSON.parse(fs10.readFileSync(sarifFile, "utf8")), { category });
  for (const warning2 of prepared.warnings) ui.warning(`SARIF for ${target}: ${warning2}`);
  fs10.writeFileSync(sarifFile, JSON.stringify(prepared.sarif, null, 2));
  if (!settings["upload-sarif"]) {
    const reason = ctx.onGitHub ? "upload-sarif is false" : "not running on GitHub Actions";
    ui.notice(`SARIF for ${target} written to ${sarifFile}; upload skipped (${reason})`);
    return { report: { status: "skipped", category, reason } };
  }
  if (!settings.token) {
    const reason = "no token (set the token input, e.g. ${{ github.token }})";
    ui.warning(`SARIF for ${target} not uploaded: ${reason}`);
    return { report: { status: "skipped", category, reason } };
  }
  if (!ctx.repository) {
    throw new ConfigurationError(
      "GITHUB_REPOSITORY",
      "is not set: cannot tell which repository to upload to",
      "environment"
    );
  }
  const [owner, repo] = ctx.repository.split("/");
  const event = readEvent(ctx, (message) => ui.warning(message));
  const { ref, commitSha } = uploadRef(ctx, event);
  const payload = {
    commit_sha: commitSha,
    ref,
    sarif: prepared.gzipped.toString("base64"),
    // GitHub's description says `format: uri`: the checkout as a file:// URL, as codeql-action sends it.
    checkout_uri: pathToFileURL(ctx.workspace).href,
    tool_name: "Trivy",
    started_at: new Date(request.startedAt).toISOString()
  };
  const api = await deps.api(settings.token);
  let id;
  try {
    ({ id } = await api.uploadSarif(owner, repo, payload));
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403) {
      const reason = explainForbidden(apiMessage(error), event);
      ui.warning(`SARIF for ${target} not uploaded (HTTP 403): ${reason}`);
      return { report: { status: "forbidden", category, reason } };
    }
    throw apiFailure(error, `Uploading the SARIF of ${target} to code scanning`, ctx.apiUrl);
  }
  ui.info(`Uploaded ${prepared.resultCount} results for ${target} as category ${category} (sarif id ${id}, ${ref})`);
  if (!settings["wait-for-processing"]) {
    return { report: { status: "uploaded", category, sarifId: id, processing: "not waited" } };
  }
  const processed = async (ui2) => {
    let outcome;
    try {
      outcome = await waitForProcessing(api, owner, repo, id, {
        timeoutMs: PROCESSING_TIMEOUT_MS,
        now: deps.clock.now,
        sleep: deps.clock.sleep
      });
    } catch (error) {
      throw apiFailure(error, `Asking code scanning whether the SARIF of ${target} was processed`, ctx.apiUrl);
    }
    if (outcome.status === "failed") {
      throw new ToolError(
        "code scanning",
        `Code scanning could not process the SARIF of ${target}: ${outcome.errors.join("; ") || "no reason given"}`
      );
    }
    if (outcome.status === "timeout") {
      ui2.warning(
        `Code scanning had not finished processing the SARIF of ${target} after ${PROCESSING_TIMEOUT_MS / 1e3} s; it will appear when it has`
      );
      return { status: "uploaded", category, sarifId: id, processing: "timeout" };
    }
    ui2.info(`Code scanning processed the SARIF of ${target} (sarif id ${id})`);
    return { status: "uploaded", category, sarifId: id, processing: "complete" };
  };
  return { report: { status: "uploaded", category, sarifId: id }, processed };
}
function apiFailure(error, what, apiUrl) {
  const network = networkErrorCode(error);
  if (network) {
    return new ToolError(
      "the GitHub API",
      `${what} failed: could not reach ${apiUrl}: ${NETWORK_WORDS[network] ?? network} (${network}), after Octokit's retries`,
      { cause: error }
    );
  }
  const status = httpStatus(error);
  if (typeof status !== "number") return error;
  return new ToolError("the GitHub API", `${what} failed (HTTP ${status}): ${apiMessage(error)}`, { cause: error });
}

// src/push/retry.ts
var TRANSIENT = [
  /\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|[A-Z][a-z]+)/,
  /unexpected status(?: code)?:? 5\d\d\b/i,
  /\b429 Too Many Requests\b|\btoomanyrequests\b/i,
  /error from registry: (?:unknown error|service unavailable|too many requests)\s*$/im,
  /connection reset by peer|i\/o timeout|TLS handshake timeout|unexpected EOF/i,
  /: (?:UNAVAILABLE|TOOMANYREQUESTS|UNKNOWN): /
];
function isTransientRegistryError(message) {
  return TRANSIENT.some((pattern) => pattern.test(message));
}
var PUSH_RETRY_DELAYS_MS = [2e3, 5e3];
async function retryTransient(attempt, options) {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const message = errorMessage(error);
      const delay = options.delaysMs[retry];
      if (delay === void 0 || !isTransientRegistryError(message)) throw error;
      options.onRetry(message, retry + 1, delay);
      await options.sleep(delay);
    }
  }
}

// src/push/phase.ts
function digestFromPush(output) {
  const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
  return matches.at(-1)?.[1];
}
var CYCLONEDX_PREDICATE = "https://cyclonedx.org/bom";
function pushRetry(deps, tag) {
  return {
    delaysMs: PUSH_RETRY_DELAYS_MS,
    sleep: deps.clock.sleep,
    onRetry: (message, attempt, delayMs) => {
      const reason = message.trim().split("\n").at(-1) ?? message;
      deps.ui.warning(
        `Pushing ${tag}: the registry failed (${reason}); retrying in ${delayMs / 1e3} s (retry ${attempt} of ${PUSH_RETRY_DELAYS_MS.length})`
      );
    }
  };
}
var repositories = (tags) => [...new Set(tags.map((t) => splitReference(t).name))];
function sbomStatement(sbom, repository, subject) {
  const platform = platformText(subject.platform);
  return Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      predicateType: CYCLONEDX_PREDICATE,
      subject: [
        {
          name: `pkg:docker/${repository}${platform ? `?platform=${encodeURIComponent(platform)}` : ""}`,
          digest: { sha256: subject.digest.slice("sha256:".length) }
        }
      ],
      predicate: sbom
    })
  );
}
async function push(deps, release, request) {
  return request.layout ? pushLayout(deps, release, request, request.layout) : dockerPush(deps, release, request);
}
async function pushLayout(deps, release, request, { layout, tested }) {
  const { ui } = deps;
  const cosign = (await deps.cosign()).command;
  let sbomAttached = false;
  if (request.sbomFile && release.attachSbom) {
    const sbom = JSON.parse(readRegularText(request.sbomFile, MAX_SBOM_BYTES) ?? "null");
    attachStatement(layout, tested, CYCLONEDX_PREDICATE, sbomStatement(sbom, repositories(request.tags)[0], tested));
    sbomAttached = true;
    ui.info(`Attached the SBOM to ${platformText(tested.platform) || "the image"} as an in-toto attestation`);
  }
  markForCosign(layout);
  const digest = layout.top().digest;
  const pushed = [];
  const failed = (what, error) => {
    if (!(error instanceof CommandError) && !(error instanceof ToolError)) throw error;
    const done = pushed.length > 0 ? ` (tags already set: ${pushed.join(", ")})` : " (no tag was set)";
    throw new ToolError(
      error instanceof CommandError ? "cosign" : error.tool,
      `${what} failed${done}: ${error.message}`,
      {
        cause: error
      }
    );
  };
  for (const repository of repositories(request.tags)) {
    try {
      const reference = `${repository}@${digest}`;
      await retryTransient(() => cosignLoad(deps.run, cosign, layout, reference), pushRetry(deps, reference));
    } catch (error) {
      failed(`Pushing ${repository}@${digest}`, error);
    }
    ui.info(`Pushed ${repository}@${digest}`);
  }
  const signatures = [];
  if (release.signer) {
    for (const repository of repositories(request.tags)) {
      try {
        signatures.push(
          await cosignSign(deps.run, cosign, release.signer, `${repository}@${digest}`, request.outputDir)
        );
      } catch (error) {
        failed(`Signing ${repository}@${digest}`, error);
      }
      ui.info(`Signed ${repository}@${digest} (${release.signer.mode})`);
    }
  }
  for (const tag of request.tags) {
    try {
      await retryTransient(() => cosignLoad(deps.run, cosign, layout, tag), pushRetry(deps, tag));
      const named = await registryDigest(deps.run, tag);
      if (named !== digest) throw new ToolError("registry", `${tag} names ${named} after the push, not ${digest}`);
    } catch (error) {
      failed(`Tagging ${tag}`, error);
    }
    pushed.push(tag);
    ui.info(`Tagged ${tag}`);
  }
  return {
    digest,
    manifestDigest: tested.digest,
    signatures,
    ...release.signer ? { signedWith: release.signer.mode } : {},
    sbomAttached,
    provenance: release.provenanceMode
  };
}
async function registryDigest(run2, reference) {
  const { stdout } = await run2("docker", [
    "buildx",
    "imagetools",
    "inspect",
    "--format",
    "{{json .Manifest}}",
    reference
  ]);
  const digest = JSON.parse(stdout).digest;
  if (!digest) throw new ToolError("docker buildx imagetools", `no digest for ${reference}`);
  return digest;
}
async function dockerPush(deps, release, request) {
  const { ui } = deps;
  for (const tag of request.tags) {
    const current = await inspectImage(deps.run, tag);
    if (current.id !== request.imageId) {
      throw new GateFailure(
        "push",
        `Not pushing ${tag}: it now names ${current.id}, not the tested image ${request.imageId}`
      );
    }
  }
  const pushed = [];
  let digest;
  for (const tag of request.tags) {
    try {
      const result = await retryTransient(() => deps.run("docker", ["push", tag]), pushRetry(deps, tag));
      digest = digestFromPush(result.stdout) ?? digest;
      pushed.push(tag);
      ui.info(`Pushed ${tag}${digest ? ` (${digest})` : ""}`);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      const done = pushed.length > 0 ? ` (already pushed: ${pushed.join(", ")})` : " (nothing was pushed)";
      throw new ToolError("docker push", `Pushing ${tag} failed${done}: ${error.message}`, { cause: error });
    }
  }
  if (!digest) throw new ToolError("docker push", `docker push reported no digest for ${request.tags.join(", ")}`);
  const signatures = [];
  if (release.signer) {
    const cosign = (await deps.cosign()).command;
    for (const repository of repositories(request.tags)) {
      try {
        signatures.push(
          await cosignSign(deps.run, cosign, release.signer, `${repository}@${digest}`, request.outputDir)
        );
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        throw new ToolError("cosign", `${error.message} (the image was pushed unsigned as ${pushed.join(", ")})`, {
          cause: error
        });
      }
      ui.info(`Signed ${repository}@${digest} (${release.signer.mode})`);
    }
  }
  return { digest, signatures, ...release.signer ? { signedWith: release.signer.mode } : {}, sbomAttached: false };
}

// src/units.ts
function formatBytes(bytes2) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes2;
  let unit = 0;
  while (value >= 1e3 && unit < units.length - 1) {
    value /= 1e3;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

// src/analysis/layers.ts
import { once as once2 } from "node:events";
import * as fs11 from "node:fs";
import { Writable } from "node:stream";
import * as zlib2 from "node:zlib";
var MAX_ENTRIES_PER_LAYER = 1e6;
var MAX_LAYERS = 500;
var MAX_JSON_BYTES = 8 * 1024 * 1024;
var BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;
var LEGACY_LAYER = /^([0-9a-f]{64})\/layer\.tar$/;
function normalize(name) {
  return name.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
}
function layerReader(digest) {
  const content = { digest, files: /* @__PURE__ */ new Map(), deleted: [], opaque: [], truncated: false };
  let entries = 0;
  const parser = new TarParser({
    entry: (header) => {
      if (++entries > MAX_ENTRIES_PER_LAYER) {
        content.truncated = true;
        return;
      }
      const name = normalize(header.name);
      const slash = name.lastIndexOf("/");
      const dir = slash < 0 ? "" : name.slice(0, slash);
      const base = slash < 0 ? name : name.slice(slash + 1);
      if (base === ".wh..wh..opq") content.opaque.push(dir);
      else if (base.startsWith(".wh.")) content.deleted.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      else if (header.type !== "5")
        content.files.set(name, header.type === "0" || header.type === "7" ? header.size : 0);
    }
  });
  return { parser, content };
}
function fairTurns() {
  let since = 0;
  return async (bytes2) => {
    since += bytes2;
    if (since < 1024 * 1024) return;
    since = 0;
    await new Promise((resolve5) => setImmediate(resolve5));
  };
}
var createZstd = zlib2.createZstdDecompress;
function decompressorFor(head) {
  if (head[0] === 31 && head[1] === 139) return zlib2.createGunzip();
  if (head.length >= 4 && head.readUInt32LE(0) === 4247762216) return createZstd ? createZstd() : "other";
  if (head.length >= 262 && head.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  return "other";
}
function layerSink(digest, kind) {
  const { parser, content } = layerReader(digest);
  if (kind === "tar") return { content, write: (chunk) => parser.write(chunk), end: async () => void 0 };
  const decompress = kind;
  const consumed = (async () => {
    const turn = fairTurns();
    for await (const piece of decompress) {
      await parser.write(piece);
      await turn(piece.length);
    }
  })();
  return {
    content,
    write: async (chunk) => {
      if (!decompress.write(chunk)) await once2(decompress, "drain");
    },
    end: async () => {
      decompress.end();
      await consumed;
    }
  };
}
function savedImageReader(options = {}) {
  const layers = /* @__PURE__ */ new Map();
  let compressedBytes = 0;
  let compressedKnown = true;
  const json = /* @__PURE__ */ new Map();
  let blob;
  async function feed(chunk) {
    if (!blob || blob.mode === "skip") return;
    if (blob.mode === "json") {
      blob.textBytes = (blob.textBytes ?? 0) + chunk.length;
      if (blob.textBytes > MAX_JSON_BYTES) blob.mode = "skip";
      else blob.text?.push(Buffer.from(chunk));
      return;
    }
    if (blob.gzip && !blob.gzip.write(chunk)) await once2(blob.gzip, "drain");
    await blob.layer?.write(chunk);
  }
  async function decide() {
    if (!blob || blob.mode) return;
    const head = Buffer.concat(blob.head);
    blob.head = [];
    const kind = head.length > 0 ? decompressorFor(head) : "other";
    const isLayer = kind !== "other" && (blob.digest !== void 0 || LEGACY_LAYER.test(blob.name));
    if (isLayer && layers.size < MAX_LAYERS) {
      const id = blob.digest ?? LEGACY_LAYER.exec(blob.name)?.[1] ?? blob.name;
      blob.mode = "layer";
      blob.layer = layerSink(`sha256:${id}`, kind);
      layers.set(blob.name, blob.layer.content);
      if (kind !== "tar") compressedBytes += blob.size;
      else if (!options.measureCompressed) compressedKnown = false;
      else {
        const gzip = zlib2.createGzip();
        blob.gzip = gzip;
        blob.gzipped = (async () => {
          for await (const piece of gzip) compressedBytes += piece.length;
        })();
      }
    } else if (head[0] === 123 || head[0] === 91) {
      blob.mode = "json";
      blob.text = [];
    } else {
      blob.mode = "skip";
    }
    await feed(head);
  }
  const outer = new TarParser({
    entry: (header) => {
      const name = normalize(header.name);
      blob = { name, digest: BLOB.exec(name)?.[1], head: [], headBytes: 0, size: header.size };
      if (header.type !== "0" && header.type !== "7") blob.mode = "skip";
    },
    data: async (chunk) => {
      if (!blob) return;
      if (!blob.mode) {
        blob.head.push(Buffer.from(chunk));
        blob.headBytes += chunk.length;
        if (blob.headBytes >= 512) await decide();
        return;
      }
      await feed(chunk);
    },
    end: async () => {
      if (!blob) return;
      if (!blob.mode) await decide();
      await blob.layer?.end();
      if (blob.gzip) {
        blob.gzip.end();
        await blob.gzipped;
      }
      if (blob.mode === "json" && blob.text) json.set(blob.name, Buffer.concat(blob.text).toString("utf8"));
      blob = void 0;
    }
  });
  const writable = new Writable({
    write(chunk, _encoding, callback) {
      outer.write(chunk).then(() => callback(), callback);
    }
  });
  const result = () => {
    const manifest = parseJson(json.get("manifest.json"));
    const entry = manifest?.[0];
    const order = (entry?.Layers ?? []).map(normalize);
    const ordered = order.map((name) => layers.get(name)).filter((l) => Boolean(l));
    const config = parseJson(
      entry?.Config ? json.get(normalize(entry.Config)) : void 0
    );
    const history = (config?.history ?? []).filter((h) => !h.empty_layer).map((h) => ({ createdBy: typeof h.created_by === "string" ? h.created_by.slice(0, 4e3) : "" }));
    return {
      layers: ordered,
      history: history.length === ordered.length ? history : [],
      ...compressedKnown && ordered.length > 0 ? { compressedBytes } : {}
    };
  };
  return { writable, result };
}
function parseJson(text3) {
  if (text3 === void 0) return void 0;
  try {
    return JSON.parse(text3);
  } catch {
    return void 0;
  }
}
function computeWaste(layers) {
  const present = /* @__PURE__ */ new Map();
  const wasted = [];
  const drop = (path12) => {
    const hit = present.get(path12);
    if (hit) {
      if (hit.size > 0) wasted.push({ path: path12, bytes: hit.size, layer: hit.layer });
      present.delete(path12);
    }
    const prefix = `${path12}/`;
    for (const [other, info] of present) {
      if (!other.startsWith(prefix)) continue;
      if (info.size > 0) wasted.push({ path: other, bytes: info.size, layer: info.layer });
      present.delete(other);
    }
  };
  layers.forEach((layer, index) => {
    for (const dir of layer.opaque) {
      const prefix = dir ? `${dir}/` : "";
      for (const [other, info] of present) {
        if (!other.startsWith(prefix) || other === dir) continue;
        if (info.size > 0) wasted.push({ path: other, bytes: info.size, layer: info.layer });
        present.delete(other);
      }
    }
    for (const path12 of layer.deleted) drop(path12);
    for (const [path12, size] of layer.files) {
      const earlier = present.get(path12);
      if (earlier && earlier.size > 0) wasted.push({ path: path12, bytes: earlier.size, layer: earlier.layer });
      present.set(path12, { size, layer: index });
    }
  });
  wasted.sort((a, b) => b.bytes - a.bytes);
  return { wastedBytes: wasted.reduce((n, w) => n + w.bytes, 0), top: wasted.slice(0, 10) };
}
function layerBytes(layer) {
  let total = 0;
  for (const size of layer.files.values()) total += size;
  return total;
}
async function readLayerBlob(file, digest) {
  const stream = fs11.createReadStream("", { fd: openRegular(file) });
  let sink;
  const head = [];
  let headBytes = 0;
  const decide = async () => {
    const first = Buffer.concat(head);
    const kind = decompressorFor(first);
    if (kind === "other") throw new Error(`the layer ${digest} is neither a tar nor gzip- or zstd-compressed`);
    const opened = layerSink(digest, kind);
    await opened.write(first);
    return opened;
  };
  try {
    for await (const chunk of stream) {
      if (sink) {
        await sink.write(chunk);
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= 512) sink = await decide();
    }
    sink ??= await decide();
    await sink.end();
  } finally {
    stream.destroy();
  }
  return sink.content;
}
async function readLayoutImage(files, memo = /* @__PURE__ */ new Map()) {
  if (files.layers.length > MAX_LAYERS) throw new Error(`the image has ${files.layers.length} layers`);
  const config = parseJson(
    readRegularText(files.blobPath(files.config), MAX_JSON_BYTES)
  );
  const compressedBytes = files.layers.reduce((sum, layer) => sum + layer.size, 0);
  let previous = Promise.resolve();
  const pending = files.layers.map(({ digest }) => {
    const file = files.blobPath(digest);
    const read = () => {
      const own2 = previous.then(() => readLayerBlob(file, digest));
      previous = own2.catch(() => void 0);
      return own2;
    };
    const known = memo.get(digest);
    if (known) return known.catch(read);
    const own = read();
    memo.set(digest, own);
    return own;
  });
  const layers = await Promise.all(pending);
  const history = (config?.history ?? []).filter((h) => !h.empty_layer).map((h) => ({ createdBy: typeof h.created_by === "string" ? h.created_by.slice(0, 4e3) : "" }));
  return {
    layers,
    history: history.length === layers.length ? history : [],
    ...layers.length > 0 ? { compressedBytes } : {}
  };
}

// src/analysis/analyze.ts
var THRESHOLDS = {
  /** A stage that takes longer should be split or parallelised. */
  slowStageSeconds: 300,
  /**
   * A final image whose own layers (what this Dockerfile adds to its base image) are bigger than this carries what
   * it does not need (decimal MB, as docker shows sizes). The base image's size is reported, not judged.
   */
  bigImageBytes: 1e8,
  /** Bytes written in one layer and deleted or overwritten in a later one, past which cleaning up pays. */
  wastedBytes: 1e7
};
function stageStats(steps, needed) {
  return needed.flatMap((stage) => {
    const label = stageLabel(stage);
    const own = steps.filter((s) => s.stage === label);
    if (own.length === 0) return [];
    const work = own.filter((s) => !/^FROM /i.test(s.text));
    const cached = work.filter((s) => s.cached).length;
    return [
      {
        name: label,
        seconds: Number(own.reduce((n, s) => n + s.seconds, 0).toFixed(2)),
        steps: work.length,
        cached,
        status: own.some((s) => s.failed) ? "failed" : cached === work.length ? "cached" : "built",
        line: stage.line
      }
    ];
  });
}
function normalizeCommand(text3) {
  return text3.replace(/\s+# buildkit$/, "").replace(/^\/bin\/sh -c #\(nop\)\s*/, "").replace(/^(RUN )?(\|\d+ (\S+=\S*\s+)*)?\/bin\/sh -c /, "RUN ").replace(/^RUN (--mount=\S+\s+)+/, "RUN ").replace(/\s+/g, " ").trim();
}
function lineOfLayer(createdBy, needed) {
  const wanted = normalizeCommand(createdBy);
  let line;
  for (const stage of needed) {
    for (const instruction of stage.body) {
      if (instruction.keyword === "FROM") continue;
      const args = instruction.args.replace(/(--[a-z-]+=\S+\s+)+/g, "").replace(/\s+/g, " ");
      const text3 = `${instruction.keyword} ${args}`.trim();
      if (text3 === wanted || wanted.startsWith(instruction.keyword) && wanted.endsWith(args) && args.length > 3) {
        line = instruction.line;
      }
    }
  }
  return line;
}
var INSTALL = /\b(npm (ci|install|i)\b|yarn( install)?\b|pnpm (i|install)\b|pip3? install|poetry install|pipenv install|bundle install|go mod download|composer install|cargo (fetch|build)|mvn [^\n]*dependency:|gradle [^\n]*dependencies)/;
var COPY_ALL = /^COPY (--\S+\s+)*(\.\/?|\.\/\*|\*)\s+\S+$/;
function recommend(analysis, steps, needed, thresholds = THRESHOLDS) {
  const out = [];
  for (const stage of needed) {
    const label = stageLabel(stage);
    const own2 = steps.filter((s) => s.stage === label).sort((a, b) => a.index - b.index);
    const copyAll = own2.findIndex((s) => COPY_ALL.test(s.text) && !s.cached);
    if (copyAll < 0) continue;
    const rebuild = own2.slice(0, copyAll).some((s) => s.cached && !/^FROM /i.test(s.text));
    const install = own2.slice(copyAll + 1).find((s) => /^RUN /.test(s.text) && INSTALL.test(s.text) && !s.cached);
    if (!rebuild || !install) continue;
    const copyLine = stepInstruction(stage, own2[copyAll].index, own2[copyAll].text)?.line;
    const installLine = stepInstruction(stage, install.index, install.text)?.line;
    out.push({
      rule: "cache-order",
      stage: label,
      line: copyLine,
      message: `Stage ${label}: \`${install.text.slice(0, 80)}\`${installLine ? ` (line ${installLine})` : ""} ran again because \`${own2[copyAll].text.slice(0, 60)}\`${copyLine ? ` (line ${copyLine})` : ""} comes before it and the sources changed. Copy the dependency manifests (package.json and its lock file, requirements.txt, go.mod/go.sum) first, install, then copy the sources: the install stays cached until the dependencies change.`
    });
  }
  for (const stage of analysis.stages) {
    if (stage.seconds > thresholds.slowStageSeconds) {
      out.push({
        rule: "slow-stage",
        stage: stage.name,
        line: stage.line,
        message: `Stage ${stage.name} took ${Math.round(stage.seconds)} s (over ${thresholds.slowStageSeconds} s): split it into stages BuildKit can build in parallel, or move what rarely changes earlier so it stays cached.`
      });
    }
  }
  const own = analysis.layers.filter((l) => l.line !== void 0);
  const added = own.reduce((n, l) => n + l.size, 0);
  if (added > thresholds.bigImageBytes) {
    const biggest = biggestLayers(own, 3);
    out.push({
      rule: "big-image",
      line: biggest[0]?.line,
      message: `The Dockerfile adds ${formatBytes(added)} to its base image (over ${formatBytes(thresholds.bigImageBytes)}; the image is ${formatBytes(analysis.imageSize)} unpacked): it carries what it does not need. Biggest layers: ${biggest.map(describeLayer).join("; ")}. Copy only the build's output into the final stage, and leave build tools and caches in earlier stages.`
    });
  }
  if (analysis.wastedBytes > thresholds.wastedBytes) {
    const first = analysis.wasted[0];
    out.push({
      rule: "wasted-bytes",
      line: first?.line,
      message: `${formatBytes(analysis.wastedBytes)} are written in one layer and deleted or overwritten in a later one${first ? ` (the most: ${first.path}, ${formatBytes(first.bytes)}${first.line ? `, written at line ${first.line}` : ""})` : ""}: remove files in the same RUN that creates them, or build them in an earlier stage and copy only the result.`
    });
  }
  return out;
}
function biggestLayers(layers, count) {
  return [...layers].sort((a, b) => b.size - a.size).slice(0, count);
}
function describeLayer(layer) {
  const what = layer.line ? `line ${layer.line}` : "the base image";
  const how = layer.createdBy.replace(/\s+# buildkit$/, "").slice(0, 60);
  return `${formatBytes(layer.size)} from ${what}${how ? ` (${how})` : ""}`;
}
function analyze(steps, needed, image, imageSize, thresholds = THRESHOLDS) {
  const layers = image.layers.map((layer, i) => {
    const createdBy = image.history[i]?.createdBy ?? "";
    const line = createdBy ? lineOfLayer(createdBy, needed) : void 0;
    return { size: layerBytes(layer), createdBy, ...line !== void 0 ? { line } : {} };
  });
  const waste = computeWaste(image.layers);
  const base = {
    stages: stageStats(steps, needed),
    layers,
    // Unpacked: what its layers' files add up to, the same on either image store (the engine's own figure is the
    // compressed content on the containerd store).
    imageSize: layers.length > 0 ? layers.reduce((n, l) => n + l.size, 0) : imageSize,
    ...image.compressedBytes !== void 0 ? { compressedSize: image.compressedBytes } : {},
    wastedBytes: waste.wastedBytes,
    wasted: waste.top.map((w) => ({
      path: w.path,
      bytes: w.bytes,
      ...layers[w.layer]?.line !== void 0 ? { line: layers[w.layer].line } : {}
    }))
  };
  return { ...base, recommendations: recommend(base, steps, needed, thresholds) };
}

// src/analysis/phase.ts
async function analyzeImage(deps, request) {
  const { build } = request;
  const stage = findStage(request.dockerfile, request.target);
  const needed = stage ? stagesNeeded(request.dockerfile, stage) : [];
  let image;
  if (build.layout) {
    const layout = new OciLayout(build.layout.dir);
    const manifest = layout.readBlob(build.layout.tested.digest);
    const config = manifest.config?.digest;
    const layers = manifest.layers ?? [];
    if (typeof config !== "string" || !layers.every((l) => typeof l.digest === "string" && Number.isSafeInteger(l.size) && l.size >= 0)) {
      throw new ToolError(
        "buildx",
        `the OCI layout's manifest ${build.layout.tested.digest} names no config or layers`
      );
    }
    try {
      image = await readLayoutImage(
        {
          config,
          layers,
          blobPath: (digest) => layout.blobPath(digest)
        },
        deps.layers
      );
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError("buildx", `Reading the layers of the OCI layout failed: ${errorMessage(error)}`, {
        cause: error
      });
    }
  } else {
    const reader = savedImageReader({ measureCompressed: request.measureCompressed });
    try {
      await deps.run("docker", ["image", "save", build.tags[0]], { output: reader.writable });
    } catch (error) {
      if (error instanceof CommandError) {
        throw new ToolError("docker", `Reading the layers of ${build.tags[0]} failed: ${error.message}`, {
          cause: error
        });
      }
      throw error;
    }
    image = reader.result();
  }
  const analysis = analyze(build.stepDetails ?? [], needed, image, build.sizeBytes, request.thresholds);
  const slowest = [...analysis.stages].sort((a, b) => b.seconds - a.seconds)[0];
  deps.ui.info(
    `Analysis: ${analysis.stages.length} stages${slowest ? ` (slowest ${slowest.name}, ${slowest.seconds.toFixed(1)} s)` : ""}, ${analysis.layers.length} layers, ${formatBytes(analysis.imageSize)}, ${formatBytes(analysis.wastedBytes)} wasted`
  );
  for (const r of analysis.recommendations) {
    deps.ui.notice(r.message, {
      title: `Recommendation (${r.rule})${r.stage ? ` for ${r.stage}` : ""}`,
      file: request.file,
      ...r.line ? { startLine: r.line } : {}
    });
  }
  return analysis;
}
function budgetVerdict(target, sizeBytes, maxBytes, analysis) {
  if (maxBytes === void 0 || sizeBytes <= maxBytes) return void 0;
  const biggest = analysis ? biggestLayers(analysis.layers, 3) : [];
  return `${target} is ${formatBytes(sizeBytes)}, over max-image-size (${formatBytes(maxBytes)})${biggest.length ? `; biggest layers: ${biggest.map(describeLayer).join("; ")}` : ""}`;
}

// src/pipeline/road.ts
var Stop = class extends Error {
  constructor(failure) {
    super(failure.message);
    this.failure = failure;
  }
  failure;
};
async function inPhase(services, target, phase, work) {
  try {
    return await work();
  } catch (error) {
    throw stopFor(services, target, phase, error);
  }
}
function stopFor(services, target, phase, error) {
  const failure = failureFrom(error, phase, target);
  if (failure.kind === "bug") {
    services.ui.info(
      `Stack of the bug in the ${phase} of ${target}:
${error instanceof Error ? error.stack : errorMessage(error)}`
    );
  }
  return new Stop(failure);
}
function gate(phase, target, reason) {
  return new Stop({ kind: "gate", phase, message: failureMessage("gate", phase, target, reason ?? "no reason given") });
}
async function runTestStage(plan, services) {
  const target = plan.inputs["test-target"];
  const { ui } = services;
  try {
    const { testStage } = await import("./phase-563FBNWO.js");
    const tests = await inPhase(
      services,
      target,
      "test",
      () => ui.group(
        `Test stage ${target}`,
        () => testStage(services, plan.settings, {
          target,
          resultsPath: plan.inputs["test-results-path"] ? path10.resolve(plan.ctx.workspace, plan.inputs["test-results-path"]) : path10.join(plan.tempDir, "test-results"),
          tempDir: plan.tempDir,
          workspace: plan.ctx.workspace,
          context: plan.inputs.context,
          cache: plan.cacheFor(target),
          platforms: plan.gatePlatforms,
          annotation: plan.annotation
        })
      )
    );
    if (tests.status === "failed") return { tests, failure: gate("test", target, tests.reason).failure };
    return { tests };
  } catch (error) {
    if (error instanceof Stop) return { failure: error.failure };
    throw error;
  }
}
async function runTarget(plan, services, target) {
  const report = { target, image: plan.inputs.image, stages: stagesOf(plan, target), pushed: false };
  try {
    await road(plan, services, report);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    report.failure = error.failure;
    if (plan.inputs.push && !report.pushed && error.failure.phase !== "push") {
      services.ui.warning(nothingPushed(target, error.failure));
    }
  }
  return report;
}
function stagesOf(plan, target) {
  const stage = findStage(plan.dockerfile, target);
  return stage ? stagesNeeded(plan.dockerfile, stage).map(stageLabel) : [];
}
function nothingPushed(target, failure) {
  const why = failure.kind === "gate" ? `the ${failure.phase} gate did not pass` : failure.kind === "tool" ? `a tool failed in the ${failure.phase}` : failure.kind === "bug" ? `a bug stopped the ${failure.phase}` : "an input is wrong";
  return `Nothing pushed for ${target}: ${why}`;
}
function sameAsEngine(platforms, enginePlatform) {
  return platforms.length === 0 || platforms.length === 1 && platforms[0] === enginePlatform;
}
async function road(plan, services, report) {
  const { inputs, ctx } = plan;
  const { ui, clock } = services;
  const { target } = report;
  const cache = plan.cacheFor(target);
  const names = plan.names.get(target);
  if (!names) throw new Error(`no names were decided for ${target}`);
  const { tags, labels } = names;
  if (names.version !== void 0) report.version = names.version;
  const layout = plan.release.path === "layout";
  const build = await inPhase(
    services,
    target,
    "build",
    () => ui.group(
      `Build ${target}`,
      () => buildImage(
        services,
        plan.settings,
        {
          target,
          tags,
          labels,
          cache,
          ...layout ? {
            output: {
              type: "oci-layout",
              dest: path10.join(plan.tempDir, `layout-${target}`),
              // The engine's own platform alone, into an engine that keeps indexes (the containerd image
              // store): loaded by the build itself. Several platforms, another platform, or the classic store
              // (which cannot take the attestations' index from buildx) load the tested one from the layout.
              load: plan.caps.containerdStore && sameAsEngine(inputs.platforms, plan.caps.enginePlatform)
            },
            platforms: inputs.platforms,
            annotations: names.annotations,
            provenance: plan.release.provenance
          } : { output: { type: "load" }, platforms: plan.gatePlatforms },
          metadataFile: metadataFile(plan.tempDir, target)
        },
        plan.annotation
      )
    )
  );
  if (plan.gatePlatforms.length === 1 && inputs.platforms.length > 1) build.gatedPlatform = plan.gatePlatforms[0];
  report.build = build;
  const analysisUi = bufferedUi(ui);
  const analysing = inputs.analysis ? settled(
    analyzeImage(
      { run: services.run, ui: analysisUi, layers: services.layers },
      {
        target,
        build,
        dockerfile: plan.dockerfile,
        file: plan.annotation.file,
        measureCompressed: plan.baseImages !== void 0
      }
    )
  ) : void 0;
  const scanUi = bufferedUi(ui);
  const scanStarted = clock.now();
  const scanning = settled(
    scan(
      { run: services.run, ui: scanUi, trivy: services.trivy, scanTurns: services.scanTurns },
      {
        target,
        image: build.tags[0],
        settings: inputs,
        tempDir: plan.tempDir,
        outputDir: plan.outputDir,
        sbom: plan.release.sbom
      }
    ).finally(() => {
      const took = `Scan took ${((clock.now() - scanStarted) / 1e3).toFixed(1)} s`;
      if (inputs.scan) scanUi.info(inputs.smoke ? `${took}, alongside the smoke test` : took);
    })
  );
  const smoked = await settled(
    ui.group(
      `Smoke test ${target}`,
      () => smoke(
        {
          run: services.run,
          ui,
          clock,
          background: services.background,
          containers: services.cleanup
        },
        { target, image: build, settings: inputs, tempDir: plan.tempDir, runId: ctx.runId }
      )
    )
  );
  const scanned = await ui.group(`Scan ${target}`, async () => {
    const result = await scanning;
    scanUi.replay();
    if ("value" in result) report.scan = result.value;
    else if (!("value" in smoked) || smoked.value.status === "failed")
      ui.info(`The scan failed as well: ${errorMessage(result.error)}`);
    return result;
  });
  const sarifFile = report.scan?.sarifFile;
  const healthy = "value" in smoked && smoked.value.status !== "failed";
  const send = (sendUi, file) => sendSarif(
    { ui: sendUi, clock, api: services.codeScanning },
    { target, sarifFile: file, settings: inputs, ctx, startedAt: plan.startedAt }
  );
  const uploadUi = bufferedUi(ui);
  const early = sarifFile && healthy && inputs["max-image-size"] === void 0 && analysing ? settled(send(uploadUi, sarifFile)) : void 0;
  if (analysing) {
    await ui.group(`Analysis of ${target}`, async () => {
      const result = await analysing;
      analysisUi.replay();
      if ("value" in result) report.analysis = result.value;
      else if (result.error instanceof ToolError) {
        ui.warning(
          `The build analysis of ${target} could not read the image (${result.error.message}); going on without it`
        );
      } else {
        throw stopFor(services, target, "build", result.error);
      }
    });
  }
  if ("error" in smoked) throw stopFor(services, target, "smoke", smoked.error);
  report.smoke = smoked.value;
  if (report.smoke.status === "failed") throw gate("smoke", target, report.smoke.reason);
  if ("error" in scanned) throw stopFor(services, target, "scan", scanned.error);
  const overBudget = budgetVerdict(
    target,
    report.analysis?.imageSize ?? build.sizeBytes,
    inputs["max-image-size"],
    report.analysis
  );
  if (overBudget) throw gate("build", target, overBudget);
  const processingUi = bufferedUi(ui);
  let processing;
  if (sarifFile) {
    const sent = await inPhase(
      services,
      target,
      "upload",
      () => ui.group(`Upload SARIF of ${target}`, async () => {
        if (!early) return send(ui, sarifFile);
        const result = await early;
        uploadUi.replay();
        if ("error" in result) throw result.error;
        return result.value;
      })
    );
    report.upload = sent.report;
    if (sent.processed) processing = settled(sent.processed(processingUi));
  }
  const released = await settled(gateAndPush(plan, services, report));
  if (processing) {
    const result = await processing;
    await ui.group(`Code scanning processing of ${target}`, async () => {
      processingUi.replay();
      if ("value" in result) report.upload = result.value;
      else if ("error" in released) ui.info(`Code scanning's processing failed as well: ${errorMessage(result.error)}`);
    });
    if ("error" in released) throw released.error;
    if ("error" in result) throw stopFor(services, target, "upload", result.error);
  }
  if ("error" in released) throw released.error;
}
async function gateAndPush(plan, services, report) {
  const { inputs } = plan;
  const { ui } = services;
  const { target } = report;
  const build = report.build;
  if (!build) throw new Error(`${target} has no build to push`);
  if (report.scan) {
    const verdict = findingsVerdict(ui, report.scan, target, inputs["fail-on"]);
    if (verdict) throw gate("scan", target, verdict);
  }
  if (inputs.push) {
    const pushed = await inPhase(
      services,
      target,
      "push",
      () => ui.group(
        `Push ${target}`,
        () => push(services, plan.release, {
          target,
          tags: build.tags,
          imageId: build.imageId,
          layout: build.layout ? { layout: new OciLayout(build.layout.dir), tested: build.layout.tested } : void 0,
          sbomFile: report.scan?.sbomFile,
          outputDir: plan.outputDir
        })
      )
    );
    report.pushed = true;
    report.pushDigest = pushed.digest;
    report.push = pushed;
  }
}

// src/pipeline/pipeline.ts
async function runPipeline(plan, services) {
  const { inputs } = plan;
  const checksFailure = inputs.checks === "error" ? await buildChecks(plan, services) : void 0;
  const { tests, failure } = checksFailure ? { tests: void 0, failure: checksFailure } : inputs["test-target"] ? await runTestStage(plan, services) : {};
  if (inputs.scan && !failure) {
    services.trivy().catch(() => void 0);
    if (inputs["upload-sarif"] && inputs.token) import("./octokit-Y5DYT5UU.js").catch(() => void 0);
  }
  if (failure) {
    const reports2 = inputs.targets.map((target) => {
      if (inputs.push) services.ui.warning(nothingPushed(target, failure));
      return { target, image: inputs.image, stages: stagesOf(plan, target), tests, pushed: false, failure };
    });
    await services.background.settle();
    await services.engine;
    return reports2;
  }
  const reports = await everyTarget(plan, services, async (target, targetServices) => {
    const report = await runTarget(plan, targetServices, target);
    if (tests) report.tests = tests;
    return report;
  });
  await services.background.settle();
  const engine = await services.engine;
  if (inputs.checks === "warn") await tellChecks(plan, services, reports, engine.version);
  return reports;
}
async function tellChecks(plan, services, reports, engineVersion) {
  const built = reports.filter((r) => r.build);
  if (built.length === 0) return;
  const warnings = mergeWarnings(
    built.map((r) => ({ target: r.target, warnings: metadataWarnings(r.build?.metadata ?? {}) }))
  );
  const engine = parseVersion(engineVersion);
  const oldFrontend = warnings.length === 0 && built.some((r) => r.build?.driver === "docker") && engine !== void 0 && !versionAtLeast(engine, [27, 0, 0]) && !hasSyntaxDirective(plan.settings.file);
  await services.ui.group(
    "Build checks",
    async () => reportChecks(
      services.ui,
      oldFrontend ? {
        warnings: [],
        unsupported: `Docker Engine ${engineVersion}'s built-in Dockerfile frontend (BuildKit before 0.15) has no build checks; add "# syntax=docker/dockerfile:1" to the Dockerfile to use the current frontend`
      } : { warnings },
      plan.annotation.file
    )
  );
}
function hasSyntaxDirective(file) {
  try {
    const head = fs12.readFileSync(file, "utf8").slice(0, 4096);
    for (const line of head.split("\n")) {
      if (/^\s*#\s*syntax\s*=/i.test(line)) return true;
      if (!/^\s*(#.*)?$/.test(line)) return false;
    }
  } catch {
  }
  return false;
}
async function everyTarget(plan, services, road2) {
  const { targets, parallel } = plan.inputs;
  const atOnce = Math.min(parallel, targets.length);
  if (atOnce <= 1) {
    const reports = [];
    for (const target of targets) reports.push(await road2(target, services));
    return reports;
  }
  services.ui.info(
    `Taking ${targets.length} targets down the road ${atOnce === targets.length ? "at once" : `${atOnce} at a time`}: ${targets.join(", ")}. Each target's log follows in its own groups as soon as that target is done.`
  );
  const take = turns(parallel);
  let telling = Promise.resolve();
  const results = await Promise.allSettled(
    targets.map(
      (target) => take(async () => {
        const ui = heldUi(services.ui);
        try {
          return await road2(target, { ...services, ui });
        } finally {
          const mine = telling.then(() => ui.tell());
          telling = mine.catch(() => void 0);
          await mine;
        }
      })
    )
  );
  const bug = results.find((result) => result.status === "rejected");
  if (bug) throw bug.reason;
  return results.map((result) => result.value);
}
async function buildChecks(plan, services) {
  const { inputs } = plan;
  const targets = [.../* @__PURE__ */ new Set([...inputs["test-target"] ? [inputs["test-target"]] : [], ...inputs.targets])];
  const result = await services.ui.group("Build checks", async () => {
    const checked = await runBuildChecks(services, plan.settings, targets);
    reportChecks(services.ui, checked, plan.annotation.file);
    return checked;
  });
  if (result.warnings.length === 0) return void 0;
  const shown = result.warnings.slice(0, 10).map((w) => `  - ${describeWarning(w)}`);
  if (result.warnings.length > 10) shown.push(`  - ... and ${result.warnings.length - 10} more`);
  const count = `${result.warnings.length} build check warning${result.warnings.length === 1 ? "" : "s"}`;
  return {
    kind: "gate",
    phase: "build",
    message: failureMessage(
      "gate",
      "build",
      inputs.targets.join(", "),
      `${count} (checks: error):
${shown.join("\n")}`
    )
  };
}

// src/report/outputs.ts
var round = (value, digits) => Number(value.toFixed(digits));
function analysisOutput(report) {
  const a = report.analysis;
  if (!a) return void 0;
  return {
    stages: a.stages.map(({ name, seconds, steps, cached, status }) => ({ name, seconds, steps, cached, status })),
    layers: a.layers,
    imageSize: a.imageSize,
    wastedBytes: a.wastedBytes,
    recommendations: a.recommendations
  };
}
var OUTPUTS = {
  "image-id": { text: (report) => report.build?.imageId },
  digest: { text: (report) => report.pushDigest ?? report.build?.digest },
  tags: { text: (report) => report.build?.tags.join("\n"), json: (report) => report.build?.tags },
  metadata: {
    text: (report) => report.build ? JSON.stringify(report.build.metadata) : void 0,
    json: (report) => report.build?.metadata
  },
  "image-size": {
    text: (report) => report.build ? String(report.build.sizeBytes) : void 0,
    json: (report) => report.build?.sizeBytes
  },
  "build-seconds": {
    text: (report) => report.build?.seconds.toFixed(1),
    json: (report) => report.build ? round(report.build.seconds, 1) : void 0
  },
  "cache-hit-ratio": {
    text: (report) => report.build?.cacheHitRatio.toFixed(2),
    json: (report) => report.build ? round(report.build.cacheHitRatio, 2) : void 0
  },
  tests: {
    text: (report) => report.tests ? JSON.stringify(report.tests.totals) : void 0,
    json: (report) => report.tests?.totals
  },
  "test-results-path": { text: (report) => report.tests?.resultsPath },
  smoke: { text: (report) => report.smoke?.status },
  "smoke-seconds": {
    text: (report) => report.smoke?.status === "passed" ? report.smoke.seconds?.toFixed(1) : void 0,
    json: (report) => report.smoke?.status === "passed" && report.smoke.seconds !== void 0 ? round(report.smoke.seconds, 1) : void 0
  },
  vulnerabilities: {
    text: (report) => report.scan?.counts ? JSON.stringify(report.scan.counts) : void 0,
    json: (report) => report.scan?.counts
  },
  findings: {
    text: (report) => report.scan?.findings ? JSON.stringify(report.scan.findings) : void 0,
    json: (report) => report.scan?.findings
  },
  "sarif-file": { text: (report) => report.scan?.sarifFile },
  "sarif-id": { text: (report) => report.upload?.sarifId },
  "sbom-file": { text: (report) => report.scan?.sbomFile },
  analysis: {
    text: (report) => report.analysis ? JSON.stringify(analysisOutput(report)) : void 0,
    json: (report) => report.analysis ? analysisOutput(report) : void 0
  },
  pushed: { text: (report) => String(report.pushed), json: (report) => report.pushed },
  signature: {
    text: (report) => report.push?.signatures.length ? report.push.signatures.join("\n") : void 0,
    json: (report) => report.push?.signatures.length ? report.push.signatures : void 0
  },
  version: { text: (report) => report.version }
};
var OUTPUT_NAMES = Object.keys(OUTPUTS);
function actionOutputs(reports) {
  const outputs = {};
  for (const [name, spec2] of Object.entries(OUTPUTS)) {
    if (reports.length === 1) {
      outputs[name] = spec2.text(reports[0]) ?? "";
      continue;
    }
    const values = {};
    for (const report of reports) {
      const value = (spec2.json ?? spec2.text)(report);
      if (value !== void 0) values[report.target] = value;
    }
    outputs[name] = JSON.stringify(values);
  }
  return outputs;
}

// src/report/summary.ts
var SUMMARY_BUDGET_BYTES = 1e6;
var FINDINGS_LISTED = 10;
var bytes = (text3) => Buffer.byteLength(text3, "utf8");
function testsCell(report) {
  if (!report.tests) return report.failure?.phase === "test" ? "\u274C failed" : "\u2014";
  const { passed, failed, skipped } = report.tests.totals;
  return `${failed > 0 ? "\u274C" : "\u2705"} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}
function smokeCell(report) {
  switch (report.smoke?.status) {
    case "passed":
      return `\u2705 healthy in ${report.smoke.seconds?.toFixed(1)} s`;
    case "failed":
      return "\u274C failed";
    case "skipped":
      return "\u23ED\uFE0F skipped";
    default:
      return "\u2014";
  }
}
var KIND_LABEL = {
  vulnerability: "vulns",
  secret: "secrets",
  misconfiguration: "misconfig",
  license: "licenses"
};
function letters(counts) {
  return SEVERITIES_DESCENDING.map((severity) => `${counts[severity]}${severity[0]}`).join(" ");
}
function findingsCell(report) {
  if (!report.scan) return "\u2014";
  if (report.scan.status === "skipped" || !report.scan.counts) return "\u23ED\uFE0F skipped";
  const gated = (report.scan.gated?.length ?? 0) > 0;
  const byKind = report.scan.findings ?? { vulnerability: report.scan.counts };
  const kinds = FINDING_KINDS.filter((k) => byKind[k]);
  const parts = kinds.map((k) => {
    const counts = byKind[k];
    return kinds.length === 1 && k === "vulnerability" ? letters(counts) : `${KIND_LABEL[k]} ${letters(counts)}`;
  });
  return `${gated ? "\u274C" : "\u2705"} ${parts.join("<br>")}`;
}
function sarifCell(report) {
  switch (report.upload?.status) {
    case "uploaded":
      return `\u2705 ${mdCode(report.upload.category ?? "", { inTable: true })}`;
    case "forbidden":
      return "\u26A0\uFE0F refused (403)";
    case "skipped":
      return report.scan?.sarifFile ? "\u{1F4C4} file only" : "\u2014";
    default:
      return "\u2014";
  }
}
function outcomeLabel(failure) {
  if (!failure) return "\u2705 passed";
  switch (failure.kind) {
    case "gate":
      return `\u274C ${failure.phase} did not pass`;
    case "tool":
      return `\u26A0\uFE0F ${failure.phase}: a tool failed`;
    case "bug":
      return `\u{1F41E} ${failure.phase}: bug in the action`;
    case "configuration":
      return "\u274C input";
  }
}
function pushedCell(report) {
  const sbom = report.scan?.packages !== void 0 ? `SBOM (${report.scan.packages} packages${report.push?.sbomAttached ? ", attached" : ""})` : void 0;
  if (!report.pushed) return sbom ? `no; ${sbom}` : "no";
  const proof = [
    report.push?.provenance ? `provenance (mode=${report.push.provenance})` : void 0,
    sbom,
    report.push?.signedWith ? `signed (${report.push.signedWith})` : void 0
  ].filter(Boolean);
  const digest = report.pushDigest ? mdCode(`${report.pushDigest.slice(0, 19)}\u2026`) : "yes";
  return `\u2705 ${digest}${proof.length ? `<br>${proof.join(", ")}` : ""}`;
}
function summaryTable(reports) {
  const header = [
    "Target",
    "Result",
    "Image",
    "Size",
    "Build",
    "Cache hits",
    "Tests",
    "Smoke",
    "Findings",
    "SARIF",
    "Pushed"
  ];
  const rows = reports.map((report) => [
    mdCode(report.target, { inTable: true }),
    outcomeLabel(report.failure),
    report.build ? `${mdCode(report.build.tags[0], { inTable: true })}${report.build.gatedPlatform ? ` (gated on ${report.build.gatedPlatform})` : ""}` : "\u2014",
    report.build ? formatBytes(report.build.sizeBytes) : "\u2014",
    report.build ? `${report.build.seconds.toFixed(1)} s` : "\u2014",
    report.build ? `${Math.round(report.build.cacheHitRatio * 100)}% (${report.build.cached}/${report.build.steps})` : "\u2014",
    testsCell(report),
    smokeCell(report),
    findingsCell(report),
    sarifCell(report),
    pushedCell(report)
  ]);
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n");
}
function mermaidLabel(label, index) {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(label) ? label : `stage-${index}`;
}
function stageGraph(dockerfile, reports) {
  const needed = new Set(reports.flatMap((r) => r.stages));
  const targets = new Set(reports.map((r) => r.target.toLowerCase()));
  const stats = /* @__PURE__ */ new Map();
  for (const report of reports) {
    for (const stage of report.analysis?.stages ?? []) {
      const seen = stats.get(stage.name);
      if (!seen || seen.status === "cached" && stage.status !== "cached") stats.set(stage.name, stage);
    }
    const failed = report.failure?.phase === "build" ? /\[([^\]\s]+) \d+\/\d+\]/.exec(report.failure.message)?.[1] : void 0;
    if (failed) stats.set(failed, { status: "failed", seconds: stats.get(failed)?.seconds ?? 0 });
  }
  const id = (index) => `s${index}`;
  const lines = ["```mermaid", "graph LR"];
  for (const stage of dockerfile.stages.slice(0, 200)) {
    const label = stageLabel(stage);
    const stat = stats.get(label);
    const status = stat?.status ?? (needed.has(label) ? "needed" : "unused");
    const detail = stat ? ` \xB7 ${stat.status} ${stat.seconds.toFixed(1)} s` : needed.has(label) ? "" : " \xB7 not needed";
    lines.push(`  ${id(stage.index)}["${mermaidLabel(label, stage.index)}${detail}"]`);
    lines.push(`  class ${id(stage.index)} ${status}`);
    if (targets.has(label.toLowerCase())) lines.push(`  class ${id(stage.index)} target`);
  }
  for (const stage of dockerfile.stages.slice(0, 200)) {
    for (const dep of stage.dependsOn) if (dep < 200) lines.push(`  ${id(dep)} --> ${id(stage.index)}`);
  }
  lines.push(
    "  classDef built fill:#c8e6c9,stroke:#2e7d32",
    "  classDef cached fill:#e1f5fe,stroke:#0277bd",
    "  classDef failed fill:#ffcdd2,stroke:#c62828",
    "  classDef needed fill:#fff9c4,stroke:#f9a825",
    "  classDef unused fill:#eeeeee,stroke:#9e9e9e,color:#757575",
    "  classDef target stroke-width:3px",
    "```"
  );
  return lines.join("\n");
}
function analysisSection(report) {
  const a = report.analysis;
  if (!a) return [];
  const lines = [
    "",
    `<details><summary>Build analysis of <code>${htmlText(report.target)}</code>: ${a.stages.length} stages, ${formatBytes(a.imageSize)} unpacked, ${formatBytes(a.wastedBytes)} wasted, ${a.recommendations.length} recommendation${a.recommendations.length === 1 ? "" : "s"}</summary>`,
    "",
    "| Stage | Result | Time | Steps cached |",
    "| --- | --- | --- | --- |"
  ];
  for (const stage of a.stages.slice(0, 50)) {
    lines.push(
      `| ${mdCode(stage.name, { inTable: true, max: 100 })} | ${stage.status} | ${stage.seconds.toFixed(1)} s | ${stage.cached}/${stage.steps} |`
    );
  }
  const biggest = biggestLayers(a.layers, 5);
  if (biggest.length > 0) {
    lines.push("", "| Layer | Size | Dockerfile line |", "| --- | --- | --- |");
    for (const layer of biggest) {
      lines.push(
        `| ${mdCode(layer.createdBy.replace(/\s+# buildkit$/, ""), { inTable: true, max: 80 }) || "\u2014"} | ${formatBytes(layer.size)} | ${layer.line ?? "base image"} |`
      );
    }
  }
  if (a.wasted.length > 0) {
    lines.push(
      "",
      `Wasted: ${formatBytes(a.wastedBytes)}, written and then deleted or overwritten, e.g. ${a.wasted.slice(0, 3).map((w) => `${mdCode(w.path, { max: 100 })} (${formatBytes(w.bytes)})`).join(", ")}.`
    );
  }
  lines.push("", "</details>");
  return lines;
}
function recommendationsSection(reports) {
  const all = reports.flatMap((r) => (r.analysis?.recommendations ?? []).map((rec) => ({ target: r.target, rec })));
  if (all.length === 0) return [];
  return [
    "",
    "### Recommendations",
    "",
    ...all.slice(0, 30).map(
      ({ target, rec }) => `- ${mdCode(target, { max: 100 })}${rec.line ? `, line ${rec.line}` : ""} (${rec.rule}): ${mdText(rec.message, 1e3)}`
    )
  ];
}
function testName(test) {
  return test.classname && test.classname !== "test" ? `${test.classname} \u203A ${test.name}` : test.name;
}
function failedTestsSection(report, budget) {
  const tests = report.tests;
  if (!tests || tests.failed.length === 0) return [];
  const total = tests.totals.failed;
  const head = [
    "",
    `<details${total <= 20 ? " open" : ""}><summary>Failed tests (${total})</summary>`,
    "",
    "| Failed test | Message |",
    "| --- | --- |"
  ];
  const tail = ["", "</details>"];
  let used = bytes(head.join("\n")) + bytes(tail.join("\n")) + 400;
  const rows = [];
  for (const t of tests.failed) {
    const row = `| ${mdCode(testName(t), { inTable: true, max: 300 }) || "\u2014"} | ${mdCode(t.message ?? "", { inTable: true, max: 300 }) || "\u2014"} |`;
    if (used + bytes(row) + 1 > budget) break;
    rows.push(row);
    used += bytes(row) + 1;
  }
  const left = total - rows.length;
  const more = left > 0 ? [
    "",
    `\u2026 and ${left} more failed test${left === 1 ? "" : "s"}: every one is in the exported reports (${mdCode(tests.resultsPath)}, the \`test-results-path\` output).`
  ] : [];
  return [...head, ...rows, ...more, ...tail];
}
function findingsSection(report) {
  const reported = report.scan?.reported ?? [];
  if (reported.length === 0) return [];
  const shown = reported.slice(0, FINDINGS_LISTED);
  const lines = [
    "",
    `<details><summary>Top findings in <code>${htmlText(report.target)}</code> (${shown.length} of ${reported.length})</summary>`,
    "",
    "| Finding | Kind | Where | Installed | Fixed | Severity |",
    "| --- | --- | --- | --- | --- | --- |"
  ];
  for (const f of shown) {
    const where = f.pkg ? f.pkg : `${f.target}${f.line ? `:${f.line}` : ""}`;
    lines.push(
      `| ${mdLink(f.id, f.url, true)} | ${f.kind} | ${mdCode(where, { inTable: true, max: 120 }) || "\u2014"} | ${mdCode(f.installed ?? "", { inTable: true, max: 60 }) || "\u2014"} | ${f.kind === "vulnerability" ? mdCode(f.fixed ?? "", { inTable: true, max: 60 }) || "no fix" : "\u2014"} | ${f.severity} |`
    );
  }
  lines.push("", "</details>");
  return lines;
}
function summaryMarkdown(reports, dockerfile, budget = SUMMARY_BUDGET_BYTES) {
  const parts = ["## multistage-action", "", summaryTable(reports)];
  for (const report of reports) {
    if (!report.failure) continue;
    parts.push(
      "",
      `### ${htmlText(report.target)}: ${outcomeLabel(report.failure)}`,
      "",
      mdCodeBlock(report.failure.message, { max: 4e3 })
    );
    if (!report.pushed) parts.push("", "Nothing was pushed for this target.");
  }
  parts.push(...recommendationsSection(reports));
  for (const report of reports) parts.push(...findingsSection(report));
  for (const report of reports) parts.push(...analysisSection(report));
  const graph = [
    "",
    "<details><summary>Stage graph</summary>",
    "",
    stageGraph(dockerfile, reports),
    "",
    "</details>",
    ""
  ];
  const tested = reports.find((r) => r.tests && r.tests.failed.length > 0);
  if (tested) {
    const room = budget - bytes(parts.join("\n")) - bytes(graph.join("\n"));
    parts.push(...failedTestsSection(tested, room));
  }
  parts.push(...graph);
  const markdown = parts.join("\n");
  if (bytes(markdown) <= budget) return markdown;
  return [
    "## multistage-action",
    "",
    summaryTable(reports),
    "",
    "The details did not fit the summary; see the log."
  ].join("\n");
}

// src/comment/comment.ts
import * as fs13 from "node:fs";
var MAX_COMMENT_CHARS = 65536;
var MAX_PAGES = 30;
function pullRequestNumber(eventName, eventPath) {
  if (!eventPath || eventName !== "pull_request" && eventName !== "pull_request_target") return void 0;
  try {
    const payload = JSON.parse(fs13.readFileSync(eventPath, "utf8"));
    const n = payload.pull_request?.number;
    return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : void 0;
  } catch {
    return void 0;
  }
}
function commentMarker(workflow, job, targets) {
  const clean = (text3) => text3.replace(/--+/g, "-").replace(/[<>\r\n]/g, "").slice(0, 200);
  return `<!-- multistage-action workflow=${clean(workflow)} job=${clean(job)} targets=${clean(targets.join(","))} -->`;
}
function testsCell2(report) {
  const t = report.tests?.totals;
  return t ? `${t.failed === 0 ? "\u2705" : "\u274C"} ${t.passed}/${t.total}` : "\u2014";
}
function findingsCell2(report) {
  const c = report.scan?.counts;
  return c ? `${c.CRITICAL}C ${c.HIGH}H ${c.MEDIUM}M ${c.LOW}L` : "\u2014";
}
function commentBody(reports, marker, runUrl, sizeChanges = /* @__PURE__ */ new Map()) {
  const header = [
    marker,
    "### multistage-action",
    "",
    "| Target | Result | Size | Tests | Smoke | Findings | Recommendations |",
    "| --- | --- | --- | --- | --- | --- | --- |"
  ];
  const footer = [
    "",
    runUrl ? `[The run](${runUrl}) has the full summary and log.` : "The job summary has the details."
  ];
  const rows = [];
  let used = [...header, ...footer].join("\n").length;
  for (const report of reports) {
    const size = report.build ? formatBytes(report.build.sizeBytes) : "\u2014";
    const change = sizeChanges.get(report.target);
    const row = `| ${mdCode(report.target, { inTable: true, max: 100 })} | ${outcomeLabel(report.failure)} | ${size}${change ? ` (${change})` : ""} | ${testsCell2(report)} | ${report.smoke?.status ?? "\u2014"} | ${findingsCell2(report)} | ${report.analysis?.recommendations.length ?? "\u2014"} |`;
    if (used + row.length + 200 > MAX_COMMENT_CHARS) {
      rows.push(`| \u2026 and ${reports.length - rows.length} more targets | | | | | | |`);
      break;
    }
    rows.push(row);
    used += row.length + 1;
  }
  const failures = reports.filter((r) => r.failure).map((r) => `- ${mdCode(r.target, { max: 100 })}: ${mdText(r.failure?.message ?? "", 300)}`);
  const failureText = [];
  for (const line of failures) {
    if (used + line.length + 50 > MAX_COMMENT_CHARS) break;
    failureText.push(line);
    used += line.length + 1;
  }
  return [...header, ...rows, ...failureText.length ? ["", ...failureText] : [], ...footer].join("\n");
}
async function upsertComment(api, where, marker, body) {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await api.list(where.owner, where.repo, where.issue, page);
    const mine = comments.find((c) => typeof c.body === "string" && c.body.startsWith(marker));
    if (mine) {
      await api.update(where.owner, where.repo, mine.id, body);
      return { action: "updated", id: mine.id };
    }
    if (comments.length < 100) break;
  }
  const created = await api.create(where.owner, where.repo, where.issue, body);
  return { action: "created", id: created.id };
}
async function registryImageSize(run2, reference, platform) {
  const raw = async (ref) => {
    const result = await run2("docker", ["buildx", "imagetools", "inspect", "--raw", ref], { allowFailure: true });
    if (result.exitCode !== 0) return void 0;
    try {
      return JSON.parse(result.stdout);
    } catch {
      return void 0;
    }
  };
  let manifest = await raw(reference);
  if (manifest?.manifests) {
    const [os2, architecture, variant] = platform.split("/");
    const chosen = manifest.manifests.find(
      (m) => m.platform?.os === os2 && m.platform.architecture === architecture && (variant === void 0 || m.platform.variant === variant)
    ) ?? manifest.manifests.find((m) => m.platform && m.platform.os !== "unknown");
    if (!chosen || !/^sha256:[0-9a-f]{64}$/.test(chosen.digest)) return void 0;
    const name = reference.replace(/(@sha256:[0-9a-f]{64}|:[\w][\w.-]{0,127})$/, "");
    manifest = await raw(`${name}@${chosen.digest}`);
  }
  if (!manifest?.layers) return void 0;
  return manifest.layers.reduce((n, l) => n + (typeof l.size === "number" ? l.size : 0), 0);
}
function describeSizeChange(now, before, branch) {
  const delta = now - before;
  if (Math.abs(delta) < 1e3) return `same size as ${branch}`;
  return `${delta > 0 ? "+" : "\u2212"}${formatBytes(Math.abs(delta))} vs ${branch}`;
}

// src/main.ts
async function execute(options) {
  const inputs = getInputs(options.read, options.ctx);
  const { plan, services } = await prepare({ ...options, inputs });
  const reports = await runPipeline(plan, services);
  for (const [name, value] of Object.entries(actionOutputs(reports))) options.setOutput(name, value);
  try {
    await options.writeSummary(summaryMarkdown(reports, plan.dockerfile));
  } catch (error) {
    options.ui.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
  await commentOnPullRequest(options, plan, reports);
  const kept = reports.flatMap((report) => [
    report.scan?.sarifFile,
    report.scan?.sbomFile,
    report.tests?.resultsPath,
    ...report.push?.signatures ?? []
  ]);
  const notRemoved = keepOnly(
    plan.tempDir,
    kept.filter((file) => Boolean(file))
  );
  for (const entry of notRemoved) options.ui.warning(`Could not remove ${entry} from the run's temp folder`);
  return reports;
}
async function commentOnPullRequest(options, plan, reports) {
  const { ctx, ui } = options;
  const { inputs } = plan;
  if (inputs.comment === "false" || !ctx.onGitHub) return;
  const issue = pullRequestNumber(ctx.eventName, ctx.eventPath);
  const [owner, repo] = (ctx.repository ?? "").split("/");
  if (!issue || !owner || !repo || !inputs.token) {
    if (inputs.comment === "true") {
      ui.notice(
        `comment: true, but ${!issue ? `this run is not about a pull request (event ${ctx.eventName ?? "none"})` : "there is no token"}: no comment`
      );
    }
    return;
  }
  const marker = commentMarker(ctx.workflow ?? "", ctx.job ?? "", inputs.targets);
  const runUrl = ctx.repository ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : void 0;
  try {
    const api = options.comments ? await options.comments(inputs.token) : (await import("./octokit-Y5DYT5UU.js")).octokitComments(inputs.token, ctx.apiUrl, (m) => ui.info(m));
    const changes = /* @__PURE__ */ new Map();
    for (const report of reports) {
      const base = plan.baseImages?.get(report.target);
      const now = report.analysis?.compressedSize;
      if (!base || now === void 0) continue;
      const before = await registryImageSize(options.run, base.reference, plan.caps.enginePlatform);
      if (before !== void 0) changes.set(report.target, describeSizeChange(now, before, base.branch));
    }
    const done = await upsertComment(
      api,
      { owner, repo, issue },
      marker,
      commentBody(reports, marker, runUrl, changes)
    );
    ui.info(`${done.action === "created" ? "Commented on" : "Updated the comment on"} pull request #${issue}`);
  } catch (error) {
    const status = error.status;
    if (status === 403) {
      ui.notice(
        `Could not comment on pull request #${issue}: the token may not write to it (give the job "permissions: pull-requests: write"; a fork's pull request gets a read-only token). The job summary has everything.`
      );
    } else {
      ui.warning(`Could not comment on pull request #${issue}: ${errorMessage(error)}`);
    }
  }
}
function keepOnly(dir, keep) {
  const kept = keep.map((file) => path11.resolve(file));
  let entries;
  try {
    entries = fs14.readdirSync(dir);
  } catch {
    return [];
  }
  const failed = [];
  for (const entry of entries) {
    const full = path11.join(dir, entry);
    if (kept.some((k) => k === full || k.startsWith(`${full}${path11.sep}`))) continue;
    try {
      fs14.rmSync(full, { recursive: true, force: true });
    } catch (error) {
      failed.push(`${full} (${errorMessage(error)})`);
    }
  }
  return failed;
}
var KIND_WORDS = { configuration: "input", gate: "gate", tool: "tool failed", bug: "bug" };
function overallFailure(reports) {
  const failed = reports.filter((report) => report.failure);
  if (failed.length === 0) return void 0;
  if (reports.length === 1) return failed[0].failure?.message;
  const list2 = failed.map((report) => `${report.target} (${report.failure?.phase}: ${KIND_WORDS[report.failure?.kind ?? "bug"]})`).join(", ");
  return `${failed.length} of ${reports.length} targets failed: ${list2}`;
}
function reportStop(error, ui) {
  switch (failureKind(error)) {
    case "configuration":
      return errorMessage(error);
    case "tool":
      return `A tool failed before any build: ${errorMessage(error)}`;
    case "gate":
      return errorMessage(error);
    case "bug":
      ui.info(`Stack of the bug:
${error instanceof Error ? error.stack : String(error)}`);
      return `Bug in multistage-action: ${error instanceof Error ? `${error.name}: ${error.message}` : errorMessage(error)} (${BUG_REPORT_HINT})`;
  }
}
async function run() {
  const cleanup = new StateCleanup((name, value) => saveState(name, value));
  const ui = new ActionsUi();
  const runner = createProcessRunner((message) => debug(message), cleanup);
  const stopListening = removeOnSignal(runner, cleanup, (message) => warning(message));
  try {
    const reports = await execute({
      read: envInputReader(),
      ctx: readContext(),
      run: runner.run,
      ui,
      cleanup,
      setOutput: (name, value) => setOutput(name, value),
      writeSummary: async (markdown) => {
        await summary.addRaw(markdown).write();
      }
    });
    const leftOut = ui.leftOutNote();
    if (leftOut) ui.info(leftOut);
    const failure = overallFailure(reports);
    if (failure) setFailed(failure);
  } catch (error) {
    setFailed(reportStop(error, ui));
  } finally {
    stopListening();
  }
}

export {
  readContext,
  SEVERITIES_DESCENDING,
  INPUT_NAMES,
  BOOLEAN_INPUTS,
  formatBytes,
  execute,
  overallFailure,
  reportStop,
  run
};
