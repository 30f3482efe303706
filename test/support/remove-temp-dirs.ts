import { afterAll } from 'vitest';
import { removeTempDirs } from '../../src/kernel/test-support/temp-dir.js';

// Registered first, so it runs after the test file's own afterAll hooks (servers and stores closed).
afterAll(removeTempDirs);
