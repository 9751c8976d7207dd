from django.http import JsonResponse

# A small fixed body: the cost of Django itself (middleware, routing, a JSON response) and nothing else.
BODY = {"status": "ok", "items": [1, 2, 3]}


def bare(request):
    return JsonResponse(BODY)
