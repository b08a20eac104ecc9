import { APP_NAME, greeting } from 'fullstack-shared';

// Fill the page template with build-time values.
export function render(template, { apiUrl, version }) {
  return template
    .replaceAll('%APP_NAME%', APP_NAME)
    .replaceAll('%GREETING%', greeting('frontend'))
    .replaceAll('%API_URL%', apiUrl)
    .replaceAll('%VERSION%', version);
}
