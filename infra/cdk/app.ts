import { App } from 'aws-cdk-lib';
import { addInfluenceRouter } from './stacks/influence-router.js';

const app = new App();
addInfluenceRouter(app);
app.synth();
