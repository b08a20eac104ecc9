export const id = 443;
export const ids = [443];
export const modules = {

/***/ 1443:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  testPhase: () => (/* binding */ testPhase)
});

// UNUSED EXPORTS: EXPORT_LIMITS, MAX_RESULTS_BYTES, MAX_TEST_ANNOTATIONS, annotationFile, locationFromStack, recordedExitCode, takeExport, testTitle

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/build/phase.ts
var phase = __webpack_require__(1779);
// EXTERNAL MODULE: ./src/build/build.ts + 1 modules
var build = __webpack_require__(8997);
// EXTERNAL MODULE: ./src/build/plan.ts
var build_plan = __webpack_require__(4713);
// EXTERNAL MODULE: ./src/safe-fs.ts
var safe_fs = __webpack_require__(1168);
// EXTERNAL MODULE: ./node_modules/saxes/saxes.js
var saxes = __webpack_require__(9800);
;// CONCATENATED MODULE: ./src/test-results/junit.ts


const JUNIT_LIMITS = {
    maxFileBytes: 1024 * 1024 * 1024,
    maxCases: 10_000_000,
    keepFailures: 20_000,
    maxTextChars: 1_000,
    maxDetailsChars: 8_000,
};
/** A report that cannot be read as JUnit XML, or that is over a limit. Names the file. */
class JUnitError extends Error {
    name = 'JUnitError';
}
function cut(text, max) {
    return text.length <= max ? text : `${text.slice(0, max)}…`;
}
function firstLine(text) {
    return text
        ?.split('\n')
        .find((l) => l.trim() !== '')
        ?.trim();
}
/**
 * Reads JUnit XML reports as streams (testsuites/testsuite/testcase, nested suites, failure/error/skipped): a report
 * of any size within the limits is counted without holding it, its tree, or its passed tests in memory. DTDs are not
 * expanded (an undefined entity is an error), so no entity can grow the input.
 */
class JUnitReader {
    limits;
    totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
    failures = [];
    constructor(limits = JUNIT_LIMITS) {
        this.limits = limits;
    }
    /** Failed tests counted but not kept (over `keepFailures`). */
    get failuresLeftOut() {
        return this.totals.failed - this.failures.length;
    }
    /** Read one report from an open descriptor of a regular file (closed here); `source` names it in errors. */
    async readFile(fd, source) {
        const size = external_node_fs_.fstatSync(fd).size;
        if (size > this.limits.maxFileBytes) {
            external_node_fs_.closeSync(fd);
            throw new JUnitError(`${source} is ${size} bytes, over the limit of ${this.limits.maxFileBytes} bytes for one JUnit report`);
        }
        const parse = this.parser(source);
        const stream = external_node_fs_.createReadStream('', { fd, encoding: 'utf8', highWaterMark: 1024 * 1024 });
        try {
            for await (const chunk of stream)
                parse.write(chunk);
            parse.close();
        }
        finally {
            stream.destroy();
        }
    }
    /** Read one report held as a string (tests, small reports). */
    readText(xml, source = 'report') {
        this.parser(source).write(xml).close();
    }
    parser(source) {
        const limits = this.limits;
        const parser = new saxes/* SaxesParser */.wT({ position: true });
        const suites = [];
        let root;
        let current;
        let body;
        let bodyChars = 0;
        const fail = (message) => {
            throw new JUnitError(`${source} ${message}`);
        };
        parser.on('error', (error) => fail(`is not well-formed XML: ${error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')} (line ${parser.line})`));
        parser.on('opentag', (tag) => {
            const attr = (name) => {
                const value = tag.attributes[name];
                return typeof value === 'string' ? value : undefined;
            };
            if (root === undefined) {
                root = tag.name;
                if (root !== 'testsuites' && root !== 'testsuite') {
                    fail(`is not a JUnit report: its root is <${cut(root, 50)}>, neither <testsuites> nor <testsuite>`);
                }
            }
            if (tag.name === 'testsuite') {
                const parent = suites.at(-1);
                suites.push({ name: attr('name') ?? parent?.name, file: attr('file') ?? parent?.file });
            }
            else if (tag.name === 'testcase' && !current) {
                if (this.totals.total >= limits.maxCases) {
                    fail(`takes the reports over the limit of ${limits.maxCases} test cases`);
                }
                const suite = suites.at(-1);
                const line = attr('line');
                current = {
                    name: cut(attr('name') ?? '(unnamed test)', limits.maxTextChars),
                    classname: attr('classname') === undefined ? undefined : cut(attr('classname'), limits.maxTextChars),
                    suite: suite?.name === undefined ? undefined : cut(suite.name, limits.maxTextChars),
                    file: cut(attr('file') ?? suite?.file ?? '', limits.maxTextChars) || undefined,
                    line: line && /^\d{1,9}$/.test(line) ? Number(line) : undefined,
                    status: 'passed',
                };
            }
            else if (current && (tag.name === 'failure' || tag.name === 'error')) {
                if (current.status !== 'failed') {
                    current.status = 'failed';
                    const message = attr('message');
                    if (message !== undefined)
                        current.message = cut(message, limits.maxTextChars);
                    body = [];
                    bodyChars = 0;
                }
            }
            else if (current && tag.name === 'skipped' && current.status === 'passed') {
                current.status = 'skipped';
            }
        });
        const collect = (text) => {
            if (!body || bodyChars >= limits.maxDetailsChars)
                return;
            const piece = text.slice(0, limits.maxDetailsChars - bodyChars);
            body.push(piece);
            bodyChars += piece.length;
        };
        parser.on('text', collect);
        parser.on('cdata', collect);
        parser.on('closetag', (tag) => {
            if (tag.name === 'testsuite') {
                suites.pop();
            }
            else if ((tag.name === 'failure' || tag.name === 'error') && body) {
                if (current)
                    current.details = body.join('').trim() || undefined;
                body = undefined;
            }
            else if (tag.name === 'testcase' && current) {
                this.count(current);
                current = undefined;
            }
        });
        parser.on('end', () => {
            if (root === undefined)
                fail('is empty: no <testsuites> or <testsuite> element');
        });
        return parser;
    }
    count(test) {
        this.totals.total++;
        this.totals[test.status]++;
        if (test.status !== 'failed' || this.failures.length >= this.limits.keepFailures)
            return;
        const details = test.details ? cut(test.details, this.limits.maxDetailsChars) : undefined;
        this.failures.push({
            name: test.name,
            classname: test.classname,
            suite: test.suite,
            file: test.file,
            line: test.line,
            message: test.message ?? cut(firstLine(details) ?? 'failed', this.limits.maxTextChars),
            details,
        });
    }
}
/** Names of failed tests as the common runners print them in a build log (used when no report could be read). */
function failedTestsFromLog(log, max = 1000) {
    const names = [];
    const seen = new Set();
    const add = (name) => {
        const clean = name.trim();
        if (clean && !seen.has(clean) && names.length < max) {
            seen.add(clean);
            names.push(cut(clean, 1000));
        }
    };
    for (const raw of log.split('\n')) {
        const line = raw.replace(/^#\d+ \d+(\.\d+)? /, '');
        let m;
        if ((m = /^\s*not ok \d+ - (.+?)(?: # .*)?$/.exec(line)) && !/^\//.test(m[1]))
            add(m[1]);
        else if ((m = /^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(line)) && !/^failing tests:?$/.test(m[1]))
            add(m[1]);
        else if ((m = /^\s*✕ (.+?)(?: \(\d+ ms\))?$/.exec(line)))
            add(m[1]);
        else if ((m = /^FAILED (\S+?)(?: - .*)?$/.exec(line)))
            add(m[1]);
        else if ((m = /^\s*--- FAIL: (\S+)/.exec(line)))
            add(m[1]);
    }
    return names;
}

;// CONCATENATED MODULE: ./src/test-results/phase.ts








/** Failed tests annotated one by one; the rest are counted in one line and listed in the summary. */
const MAX_TEST_ANNOTATIONS = 5;
/** Bytes of exported test results copied in all; a larger export fails the test gate. */
const MAX_RESULTS_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_NAMED = 20;
/**
 * Map a test's file (as the runner inside the image saw it, e.g. /app/backend/test/app.test.js) to a path in
 * the repository: the longest trailing part of it that exists under the build context or the workspace.
 */
function annotationFile(file, workspace, context) {
    if (!file)
        return undefined;
    const parts = file
        .replace(/^file:\/\//, '')
        .split('/')
        .filter((p) => p !== '' && p !== '.' && p !== '..');
    for (let i = 0; i < parts.length; i++) {
        const relative = parts.slice(i).join('/');
        for (const candidate of [external_node_path_.join(context, relative), relative]) {
            const absolute = external_node_path_.resolve(workspace, candidate);
            if (!(0,safe_fs/* isInside */.FK)(workspace, absolute))
                continue;
            try {
                if (external_node_fs_.lstatSync(absolute).isFile())
                    return external_node_path_.relative(workspace, absolute);
            }
            catch {
                // not there
            }
        }
    }
    return undefined;
}
/** The first stack frame of a failure that points into the project's own files: `(/srv/a.test.js:3:50)`. */
function locationFromStack(details) {
    for (const m of (details ?? '').slice(0, 8000).matchAll(/\(?((?:file:\/\/)?\/[^\s():]{1,500}):(\d{1,9}):\d+\)?/g)) {
        if (!m[1].includes('node_modules') && !m[1].startsWith('node:'))
            return { file: m[1], line: Number(m[2]) };
    }
    return undefined;
}
/**
 * The exit code a test stage recorded with `RUN npm test; echo $? > test-results/exit-code` (the pattern that
 * keeps the reports exportable when tests fail). A regular file named `exit-code` at the top of the results.
 */
function recordedExitCode(dir) {
    const value = (0,safe_fs/* readRegularText */.Aj)(external_node_path_.join(dir, 'exit-code'), 64)?.trim();
    return value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
}
function failureList(names, total = names.length) {
    const shown = names.slice(0, MAX_NAMED).map((n) => `  - ${n}`);
    if (total > shown.length)
        shown.push(`  - ... and ${total - shown.length} more`);
    return shown.join('\n');
}
function testTitle(test) {
    return `${test.classname && test.classname !== 'test' ? `${test.classname} › ` : ''}${test.name}`;
}
/** One notice for everything in the export that is not a regular file or a folder: none of it was read. */
function skippedNotice(target, skipped) {
    const shown = skipped.slice(0, 10).map((s) => `${s.path} (${s.kind})`);
    const more = skipped.length > shown.length ? ` and ${skipped.length - shown.length} more` : '';
    return `The test stage "${target}" exported ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that are not regular files, left unread and not copied: ${shown.join(', ')}${more}`;
}
const EXPORT_LIMITS = { ...safe_fs/* WALK_LIMITS */.rP, maxBytes: MAX_RESULTS_BYTES };
/**
 * Copy the regular files of the raw export into the results folder (never a link, FIFO or device), then remove
 * the raw export. Returns what was found.
 */
function takeExport(rawDir, resultsPath, target, limits = EXPORT_LIMITS) {
    try {
        const found = (0,safe_fs/* walkNoFollow */.MW)(rawDir, limits);
        const bytes = found.files.reduce((sum, f) => sum + f.size, 0);
        if (bytes > limits.maxBytes) {
            throw new safe_fs/* ExportLimitError */.wd(`its files hold ${bytes} bytes, over the limit of ${limits.maxBytes} bytes`);
        }
        external_node_fs_.mkdirSync(resultsPath, { recursive: true });
        for (const file of found.files)
            (0,safe_fs/* copyRegular */.cb)(external_node_path_.join(rawDir, file.path), external_node_path_.join(resultsPath, file.path));
        return found;
    }
    catch (error) {
        if (error instanceof safe_fs/* ExportLimitError */.wd) {
            throw new errors/* GateError */.ue('test', `The export of test stage "${target}" was not read: ${error.message}`);
        }
        throw error;
    }
    finally {
        (0,safe_fs/* removeTree */.dM)(rawDir);
    }
}
/**
 * Build the test stage with `--output type=local`, take the regular files it exported, read the JUnit XML among
 * them and report. Fails (GateError 'test') when a test failed, when no report was found, or when the stage itself
 * failed to build.
 */
async function testPhase(env) {
    const { inputs, ctx, ui } = env;
    const target = inputs['test-target'];
    const rawDir = external_node_path_.join(env.tempDir, 'test-export');
    const cache = (0,phase/* cacheFor */.c)(env, target);
    const plan = (0,build_plan/* buildPlan */.Gg)(inputs, ctx, {
        target,
        tags: [],
        labels: [],
        cache,
        output: { type: 'local', dest: rawDir },
        platforms: env.gatePlatforms,
        metadataFile: external_node_path_.join(env.tempDir, `metadata-${target}.json`),
    });
    try {
        await (0,build/* runBuild */.cM)(plan, { run: env.run, env: (0,build_plan/* secretEnv */.Ut)(inputs), now: env.now, log: (line) => ui.info(line) });
    }
    catch (error) {
        (0,safe_fs/* removeTree */.dM)(rawDir);
        if (!(error instanceof build/* BuildError */.zS))
            throw error;
        const names = failedTestsFromLog(error.log);
        const file = external_node_path_.relative(ctx.workspace, plan.file);
        ui.error(error.message, {
            title: `multistage: test stage ${target} failed`,
            file,
            startLine: error.progress.failedLine,
        });
        for (const name of names.slice(0, MAX_TEST_ANNOTATIONS))
            ui.error(`Test failed: ${name}`, { title: `Test failed: ${name}`, file, startLine: error.progress.failedLine });
        if (names.length > MAX_TEST_ANNOTATIONS)
            ui.info(`... and ${names.length - MAX_TEST_ANNOTATIONS} more failed tests, named in the build log above`);
        const list = names.length > 0 ? `; failed tests:\n${failureList(names)}` : '';
        throw new errors/* GateError */.ue('test', `Test stage "${target}" failed to build${error.progress.failedStep ? ` at ${error.progress.failedStep}` : ''}${list}`);
    }
    const resultsPath = inputs['test-results-path']
        ? external_node_path_.resolve(ctx.workspace, inputs['test-results-path'])
        : external_node_path_.join(env.tempDir, 'test-results');
    const found = takeExport(rawDir, resultsPath, target);
    if (found.skipped.length > 0)
        ui.notice(skippedNotice(target, found.skipped));
    const files = found.files.filter((f) => f.path.toLowerCase().endsWith('.xml')).map((f) => f.path);
    if (files.length === 0) {
        throw new errors/* GateError */.ue('test', `Test stage "${target}" exported no JUnit XML files (looked for regular *.xml files in what the stage holds); make its last stage copy the reports, e.g. FROM scratch + COPY --from=testing /app/test-results /`);
    }
    const reader = new JUnitReader();
    try {
        for (const file of files)
            await reader.readFile((0,safe_fs/* openRegular */.lf)(external_node_path_.join(resultsPath, file)), file);
    }
    catch (error) {
        if (error instanceof JUnitError)
            throw new errors/* GateError */.ue('test', `Test results of "${target}": ${error.message}`);
        throw error;
    }
    const report = {
        totals: reader.totals,
        failed: reader.failures.map((f) => ({ name: f.name, classname: f.classname, message: f.message })),
        failedLeftOut: reader.failuresLeftOut,
        resultsPath,
        files,
    };
    const { total, passed, failed, skipped } = report.totals;
    ui.info(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${total} in ${files.length} report${files.length === 1 ? '' : 's'})`);
    for (const c of reader.failures.slice(0, MAX_TEST_ANNOTATIONS)) {
        const fromStack = c.file ? undefined : locationFromStack(c.details);
        const file = annotationFile(c.file ?? fromStack?.file, ctx.workspace, inputs.context);
        ui.error(c.details ? `${c.message}\n\n${c.details}` : c.message, {
            title: `Test failed: ${testTitle(c)}`,
            file,
            startLine: file ? (c.line ?? fromStack?.line) : undefined,
        });
    }
    if (failed > MAX_TEST_ANNOTATIONS) {
        ui.info(`... and ${failed - MAX_TEST_ANNOTATIONS} more failed tests, not annotated (GitHub shows 10 annotations per step): every one is in the reports under ${resultsPath} and, as far as it fits, in the job summary`);
    }
    if (failed > 0) {
        throw new errors/* GateError */.ue('test', `${failed} of ${total} tests failed:\n${failureList(report.failed.map((f) => f.name), failed)}`, report);
    }
    const exitCode = recordedExitCode(resultsPath);
    if (exitCode !== undefined && exitCode !== 0) {
        throw new errors/* GateError */.ue('test', `The test runner in "${target}" exited with code ${exitCode} (recorded in its exit-code file) although its reports show no failed test`, report);
    }
    if (total === 0)
        throw new errors/* GateError */.ue('test', `Test stage "${target}" exported JUnit reports with no test cases`, report);
    return report;
}


/***/ })

};
