import globals from 'globals';
import base from '../../eslint.config.js';

export default [...base, { files: ['src/**/*.ts'], languageOptions: { globals: globals.browser } }];
