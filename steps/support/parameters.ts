import { defineParameterType } from '@cucumber/cucumber';
import { PARAMETER_TYPES } from './parameter-types';

for (const { name, regexp, transformer } of PARAMETER_TYPES) defineParameterType({ name, regexp, transformer });
