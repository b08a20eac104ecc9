export const id = 988;
export const ids = [988];
export const modules = {

/***/ 4988:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DO_NOT_RETRY: () => (/* binding */ DO_NOT_RETRY),
/* harmony export */   octokitCodeScanning: () => (/* binding */ octokitCodeScanning)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6856);



// The real client for the code scanning API; loaded only when an upload happens.
/**
 * HTTP statuses the retry plugin leaves alone: a payload too large or invalid will not get better, and rate limits
 * (403/429 as GitHub documents them) belong to the throttling plugin, which waits for Retry-After or the reset.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 413, 422, 429, 451];
function octokitCodeScanning(token, baseUrl, log, retries = 3) {
    const octokit = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q(token, {
        baseUrl,
        retry: { doNotRetry: DO_NOT_RETRY, retries },
        throttle: {
            onRateLimit: (retryAfter, options, _o, retryCount) => {
                log(`Rate limited on ${options.method} ${options.url}; retrying in ${retryAfter} s (attempt ${retryCount + 1})`);
                return retryCount < retries;
            },
            onSecondaryRateLimit: (retryAfter, options, _o, retryCount) => {
                log(`Secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
                return retryCount < retries;
            },
        },
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
    return {
        uploadSarif: async (owner, repo, payload) => {
            const response = await octokit.request('POST /repos/{owner}/{repo}/code-scanning/sarifs', {
                owner,
                repo,
                ...payload,
            });
            const data = response.data;
            if (!data.id)
                throw new Error(`code scanning accepted the upload but returned no id (HTTP ${response.status})`);
            return { id: data.id, url: data.url };
        },
        getSarif: async (owner, repo, id) => {
            const response = await octokit.request('GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}', {
                owner,
                repo,
                sarif_id: id,
            });
            return response.data;
        },
    };
}


/***/ })

};
