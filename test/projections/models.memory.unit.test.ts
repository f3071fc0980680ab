import test from 'ava';
import { createMemoryReadStore } from '../../projections/store/memory.js';
import { modelSuite } from '../support/logBuilderModels.js';

modelSuite(test, async () => createMemoryReadStore(), 'memory');
