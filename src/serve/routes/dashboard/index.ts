// The dashboard's own reads, as route plugins for the serve command's routes list.
import type { RoutePlugin } from '../../context.js';
import { catalogueRoutes } from './catalogue.js';
import { overviewRoutes } from './overview.js';
import { pipelineRoutes } from './pipeline.js';
import { savedReportRoutes } from './saved-reports.js';
import { sqlRoutes } from './sql.js';
import { userRoutes } from './user.js';

export const DASHBOARD_ROUTES: readonly RoutePlugin[] = [overviewRoutes, catalogueRoutes, sqlRoutes, savedReportRoutes, pipelineRoutes, userRoutes];
