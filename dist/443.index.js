export const id = 443;
export const ids = [443];
export const modules = {

/***/ 1443:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  testPhase: () => (/* binding */ testPhase)
});

// UNUSED EXPORTS: annotationFile, findXmlFiles, locationFromStack, recordedExitCode

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
// EXTERNAL MODULE: ./node_modules/fast-xml-parser/src/xmlparser/XMLParser.js + 23 modules
var XMLParser = __webpack_require__(1143);
// EXTERNAL MODULE: ./node_modules/fast-xml-parser/src/fxp.js
var fxp = __webpack_require__(5824);
;// CONCATENATED MODULE: ./src/test-results/junit.ts

class JUnitError extends Error {
    name = 'JUnitError';
}
const ARRAYS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);
const parser = new XMLParser/* default */.A({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
});
function junit_text(value) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value === 'string')
        return value;
    if (typeof value === 'object' && '#text' in value)
        return String(value['#text']);
    return undefined;
}
function attr(node, name) {
    const value = node[`@_${name}`];
    return value === undefined ? undefined : String(value);
}
function firstLine(message) {
    return message
        ?.split('\n')
        .find((l) => l.trim() !== '')
        ?.trim();
}
function readCase(node, suite, suiteFile) {
    const failures = [
        ...(node.failure ?? []),
        ...(node.error ?? []),
    ];
    const line = attr(node, 'line');
    const seconds = attr(node, 'time');
    const base = {
        name: attr(node, 'name') ?? '(unnamed test)',
        classname: attr(node, 'classname'),
        suite,
        file: attr(node, 'file') ?? suiteFile,
        line: line && /^\d+$/.test(line) ? Number(line) : undefined,
        seconds: seconds && !Number.isNaN(Number(seconds)) ? Number(seconds) : undefined,
        status: 'passed',
    };
    if (failures.length > 0) {
        const first = failures[0];
        const body = typeof first === 'string' ? first : junit_text(first);
        const message = (typeof first === 'object' ? attr(first, 'message') : undefined) ?? firstLine(body) ?? 'failed';
        return { ...base, status: 'failed', message, details: body?.trim() };
    }
    if (node.skipped !== undefined)
        return { ...base, status: 'skipped' };
    return base;
}
function walk(node, suite, suiteFile, out) {
    for (const testcase of node.testcase ?? []) {
        out.push(readCase(typeof testcase === 'object' ? testcase : {}, suite, suiteFile));
    }
    for (const child of node.testsuite ?? []) {
        if (typeof child !== 'object')
            continue;
        walk(child, attr(child, 'name') ?? suite, attr(child, 'file') ?? suiteFile, out);
    }
}
/** Read one JUnit XML document (testsuites/testsuite/testcase, nested suites, failure/error/skipped). */
function parseJUnit(xml, source = 'report') {
    const valid = fxp/* XMLValidator */.iI.validate(xml);
    if (valid !== true) {
        throw new JUnitError(`${source} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    }
    const doc = parser.parse(xml);
    const root = doc.testsuites ?? doc;
    if (doc.testsuites === undefined && doc.testsuite === undefined) {
        throw new JUnitError(`${source} is not a JUnit report: its root is neither <testsuites> nor <testsuite>`);
    }
    const cases = [];
    walk(typeof root === 'object' ? root : {}, undefined, undefined, cases);
    return cases;
}
function totals(cases) {
    const count = (status) => cases.filter((c) => c.status === status).length;
    return { total: cases.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
/** Names of failed tests as the common runners print them in a build log (used when no report could be read). */
function failedTestsFromLog(log) {
    const names = [];
    const add = (name) => {
        const clean = name.trim();
        if (clean && !names.includes(clean))
            names.push(clean);
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







/** Every *.xml file under a folder, sorted, as paths relative to it. */
function findXmlFiles(root) {
    if (!external_node_fs_.existsSync(root))
        return [];
    return external_node_fs_.readdirSync(root, { recursive: true, withFileTypes: false })
        .filter((f) => f.toLowerCase().endsWith('.xml') && external_node_fs_.statSync(external_node_path_.join(root, f)).isFile())
        .sort();
}
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
        .filter((p) => p !== '' && p !== '.');
    for (let i = 0; i < parts.length; i++) {
        const relative = parts.slice(i).join('/');
        for (const candidate of [external_node_path_.join(context, relative), relative]) {
            const absolute = external_node_path_.resolve(workspace, candidate);
            if (absolute.startsWith(external_node_path_.resolve(workspace)) && external_node_fs_.existsSync(absolute) && external_node_fs_.statSync(absolute).isFile()) {
                return external_node_path_.relative(workspace, absolute);
            }
        }
    }
    return undefined;
}
/** The first stack frame of a failure that points into the project's own files: `(/srv/a.test.js:3:50)`. */
function locationFromStack(details) {
    for (const m of (details ?? '').matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?/g)) {
        if (!m[1].includes('node_modules') && !m[1].startsWith('node:'))
            return { file: m[1], line: Number(m[2]) };
    }
    return undefined;
}
const MAX_NAMED = 20;
/**
 * The exit code a test stage recorded with `RUN npm test; echo $? > test-results/exit-code` (the pattern that
 * keeps the reports exportable when tests fail). A file named `exit-code` at the top of the exported results.
 */
function recordedExitCode(dir) {
    const file = external_node_path_.join(dir, 'exit-code');
    if (!external_node_fs_.existsSync(file))
        return undefined;
    const value = external_node_fs_.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(value) ? Number(value) : undefined;
}
function failureList(names) {
    const shown = names.slice(0, MAX_NAMED).map((n) => `  - ${n}`);
    if (names.length > MAX_NAMED)
        shown.push(`  - ... and ${names.length - MAX_NAMED} more`);
    return shown.join('\n');
}
/**
 * Build the test stage with `--output type=local`, read the JUnit XML it exported and report. Fails (GateError
 * 'test') when a test failed, when no report was found, or when the stage itself failed to build.
 */
async function testPhase(env) {
    const { inputs, ctx, ui } = env;
    const target = inputs['test-target'];
    const exportDir = external_node_path_.join(env.tempDir, 'test-results');
    external_node_fs_.mkdirSync(exportDir, { recursive: true });
    const cache = (0,phase/* cacheFor */.c)(env, target);
    const plan = (0,build_plan/* buildPlan */.Gg)(inputs, ctx, {
        target,
        tags: [],
        labels: [],
        cache,
        output: { type: 'local', dest: exportDir },
        platforms: env.gatePlatforms,
        metadataFile: external_node_path_.join(env.tempDir, `metadata-${target}.json`),
    });
    try {
        await (0,build/* runBuild */.c)(plan, { run: env.run, env: (0,build_plan/* secretEnv */.Ut)(inputs), now: env.now });
    }
    catch (error) {
        if (!(error instanceof build/* BuildError */.z))
            throw error;
        const names = failedTestsFromLog(error.log);
        const file = external_node_path_.relative(ctx.workspace, plan.file);
        ui.error(error.message, {
            title: `multistage: test stage ${target} failed`,
            file,
            startLine: error.progress.failedLine,
        });
        for (const name of names)
            ui.error(`Test failed: ${name}`, { title: `Test failed: ${name}`, file, startLine: error.progress.failedLine });
        const list = names.length > 0 ? `; failed tests:\n${failureList(names)}` : '';
        throw new errors/* GateError */.ue('test', `Test stage "${target}" failed to build${error.progress.failedStep ? ` at ${error.progress.failedStep}` : ''}${list}`);
    }
    const resultsPath = inputs['test-results-path']
        ? external_node_path_.resolve(ctx.workspace, inputs['test-results-path'])
        : exportDir;
    if (resultsPath !== exportDir) {
        external_node_fs_.mkdirSync(resultsPath, { recursive: true });
        external_node_fs_.cpSync(exportDir, resultsPath, { recursive: true });
    }
    const files = findXmlFiles(exportDir);
    if (files.length === 0) {
        throw new errors/* GateError */.ue('test', `Test stage "${target}" exported no JUnit XML files (looked for *.xml in what the stage holds); make its last stage copy the reports, e.g. FROM scratch + COPY --from=testing /app/test-results /`);
    }
    const cases = [];
    for (const file of files) {
        cases.push(...parseJUnit(external_node_fs_.readFileSync(external_node_path_.join(exportDir, file), 'utf8'), file));
    }
    const report = {
        totals: totals(cases),
        failed: cases
            .filter((c) => c.status === 'failed')
            .map((c) => ({ name: c.name, classname: c.classname, message: c.message })),
        resultsPath,
        files,
    };
    const { total, passed, failed, skipped } = report.totals;
    ui.info(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${total} in ${files.length} report${files.length === 1 ? '' : 's'})`);
    for (const c of cases.filter((t) => t.status === 'failed')) {
        const title = `Test failed: ${c.classname && c.classname !== 'test' ? `${c.classname} › ` : ''}${c.name}`;
        const fromStack = c.file ? undefined : locationFromStack(c.details);
        const file = annotationFile(c.file ?? fromStack?.file, ctx.workspace, inputs.context);
        ui.error(c.details ? `${c.message ?? 'failed'}\n\n${c.details}` : (c.message ?? 'failed'), {
            title,
            file,
            startLine: file ? (c.line ?? fromStack?.line) : undefined,
        });
    }
    if (failed > 0) {
        throw new errors/* GateError */.ue('test', `${failed} of ${total} tests failed:\n${failureList(report.failed.map((f) => f.name))}`, report);
    }
    const exitCode = recordedExitCode(exportDir);
    if (exitCode !== undefined && exitCode !== 0) {
        throw new errors/* GateError */.ue('test', `The test runner in "${target}" exited with code ${exitCode} (recorded in its exit-code file) although its reports show no failed test`, report);
    }
    if (total === 0)
        throw new errors/* GateError */.ue('test', `Test stage "${target}" exported JUnit reports with no test cases`, report);
    return report;
}


/***/ })

};
