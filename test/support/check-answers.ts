import { checkAnswers } from './app';

// Every e2e test ends by checking the answers it got against the OpenAPI document (see checkAnswers).
afterEach(() => {
  checkAnswers();
});
