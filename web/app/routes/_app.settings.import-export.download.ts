// GET /settings/import-export/download[?featureId=…]: the team's features (or the chosen ones) as
// exportFeatures' JSON document, served as a file download. An API refusal answers with its code
// and message as JSON and the matching status (never a 500 for the caller's mistake).
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ApiError } from "~/lib/api-error";
import { exportFileName } from "~/lib/config-models";
import { ExportFeaturesDoc } from "~/lib/docs/config";
import { requireTeam } from "~/lib/team.server";

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const ids = new URL(request.url).searchParams.getAll("featureId").filter(Boolean);
  try {
    const { exportFeatures } = await context.auth.gql(ExportFeaturesDoc, { teamId: team.id, featureIds: ids.length ? ids : null });
    const document = exportFeatures as { team?: { name?: string }; exportedAt?: string };
    const name = exportFileName(document.team?.name ?? "team", new Date(document.exportedAt ?? Date.now()));
    return new Response(`${JSON.stringify(exportFeatures, null, 2)}\n`, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return Response.json(error.toJSON(), { status: STATUS[error.code] ?? 502 });
  }
}
