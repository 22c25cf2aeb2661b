"""The public wall: feed, topics, tags, search, post page, submission, my page.

Speed: the anonymous feed pages are served whole from the cache, keyed by the wall version (see
``wall.cache``), so a cached page costs one cache round trip; signed-in visitors get the same cached
feed fragment inside their own page. Cached pages carry no CSRF token or nonce: the static
JavaScript reads the CSRF cookie. Views are counted by a small POST from the page (``post_seen``),
so the post page itself never waits for a write.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from whitewall.config.policy import get_policy
from whitewall.core.encryption import blind_index
from whitewall.wall import cache as wall_cache
from whitewall.wall import selectors
from whitewall.wall.forms_public import CommentForm, FeedbackForm, ReportForm, SubmitForm, TakedownForm
from whitewall.wall.models import Comment, Feedback, Post, PostImage, PostLike, Tag, Topic
from whitewall.wall.services import feedback as feedback_services
from whitewall.wall.services import posts as post_services
from whitewall.wall.services import reports as report_services
from whitewall.wall.visitor import GUEST_COOKIE, remember_guest, visitor_for

MAX_PAGE = 500
CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _error_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _add_errors(form, error: ValidationError) -> None:
    for field, msgs in _error_messages(error).items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


# --- the feed -----------------------------------------------------------------------------------------
class FeedView(View):
    """Home, topic and tag pages: one cached fragment of posts inside the page."""

    template_name = "wall/home.html"

    def heading(self, **kwargs):
        return {}

    def filters(self, **kwargs) -> dict:
        return {}

    def cache_name(self, request, page: int) -> str:
        return f"{request.path}|{page}|{translation.get_language()}"

    def cacheable(self, request) -> bool:
        return (
            not request.user.is_authenticated
            and "messages" not in request.COOKIES
            and set(request.GET) <= {"page"}
        )

    def get(self, request, **kwargs):
        page = _page_number(request)
        filters = self.filters(**kwargs)  # may raise Http404
        name = self.cache_name(request, page)
        if self.cacheable(request):
            # No CSRF cookie here: the static JS asks /csrf/ for one before anything is sent.
            content, version = wall_cache.page_get("page:" + name)
            if content is not None:
                return HttpResponse(content)
            posts, has_next = selectors.feed(page=page, **filters)
            feed_html = self.render_feed(request, page, posts, has_next)
            response = self.render_page(request, page, filters, feed_html, cacheable=True)
            wall_cache.page_set("page:" + name, version, response.content)
            return response
        return self.render_page(
            request, page, filters, self.cached_feed(request, page, filters), cacheable=False
        )

    def render_feed(self, request, page: int, posts, has_next: bool) -> str:
        return render_to_string(
            "wall/public/feed.html",
            {"posts": posts, "has_next": has_next, "page": page, "path": request.path},
        )

    def cached_feed(self, request, page: int, filters: dict) -> str:
        """The feed fragment, shared by every signed-in visitor until the wall version changes."""
        name = "feed:" + self.cache_name(request, page)
        stored, version = wall_cache.page_get(name)
        if stored is not None:
            return mark_safe(stored)  # noqa: S308 - rendered by our template with autoescaping
        posts, has_next = selectors.feed(page=page, **filters)
        html = self.render_feed(request, page, posts, has_next)
        wall_cache.page_set(name, version, str(html))
        return mark_safe(html)  # noqa: S308 - rendered by our template with autoescaping

    def render_page(self, request, page, filters, feed_html, *, cacheable: bool):
        context = {
            "feed_html": feed_html,
            "topics": selectors.topics(),
            "page": page,
            **filters,
            **self.heading(**filters),
        }
        response = render(request, self.template_name, context)
        if cacheable:
            # Never keep anyone's CSRF token in a shared page: the static JS adds it from the cookie.
            response.content = CSRF_INPUT.sub(b"", response.content)
        return response


class WallHomeView(FeedView):
    pass


class TopicView(FeedView):
    def filters(self, *, slug: str) -> dict:
        return {
            "topic": get_object_or_404(
                Topic.objects.only("id", "name", "slug", "description"), slug=slug, is_active=True
            )
        }


class TagView(FeedView):
    def filters(self, *, name: str) -> dict:
        return {"tag": get_object_or_404(Tag.objects.only("id", "name"), name=name)}


class SearchView(View):
    def get(self, request):
        query = request.GET.get("q", "").strip()[:100].replace("\x00", "")
        page = _page_number(request)
        posts, has_next = selectors.feed(query=query, page=page) if query else ([], False)
        return render(
            request,
            "wall/public/search.html",
            {
                "query": query,
                "posts": posts,
                "has_next": has_next,
                "page": page,
                "topics": selectors.topics(),
            },
        )


# --- the post page --------------------------------------------------------------------------------------
class PostView(View):
    """A post page. Anonymous visitors without a guest cookie get the whole page from the cache.

    Signed-in readers get their own page around fragments that are the same for every one of
    them (``parts``: the post itself, its published comments, the empty comment form), cached
    under the same versions as the anonymous page: the wall's version (a post taken down, hidden
    or edited) and the post's own (a comment published, hidden or taken down). What is theirs is
    rendered each time: the like button and the counts from the post's row (read on every
    request, so a post that is no longer public is a 404 even with its fragments cached), their
    own comments waiting for review (the list is rendered in full when they have any), the CSRF
    token and the header.
    """

    template_name = "wall/public/post.html"

    def context(self, request, post, comment_form=None, *, comments=None, visitor=None, liked=None):
        """The page's context; ``comments`` given: the post's article comes from its fragment."""
        visitor = visitor or visitor_for(request)
        if liked is None:
            liked = False
            if visitor.user is not None:
                liked = PostLike.objects.filter(post=post, user=visitor.user).exists()
            elif visitor.key:
                liked = PostLike.objects.filter(post=post, guest_key=visitor.key).exists()
        policy = get_policy().wall
        may_comment = visitor.user is not None or policy.guest_comments
        return {
            "post": post,
            "images": list(post.images.all()) if comments is None else [],
            "tags": list(post.tags.all()) if comments is None else [],
            "comments": selectors.comments_for(post, visitor.key) if comments is None else comments,
            "liked": liked,
            "may_comment": may_comment,
            "comment_form": comment_form or (CommentForm() if may_comment else None),
            "share_url": request.build_absolute_uri(reverse("wall_post", args=[post.pk])),
            "visitor_key": visitor.key,
        }

    def cacheable(self, request) -> bool:
        """Anonymous visitors without a guest cookie see the same page: it comes from the cache."""
        return (
            not request.user.is_authenticated
            and "messages" not in request.COOKIES
            and GUEST_COOKIE not in request.COOKIES
            and not request.GET
        )

    def get(self, request, pk: int):
        if self.cacheable(request):
            name = f"post:{pk}|{translation.get_language()}|{request.get_host()}"
            content, versions = wall_cache.page_get(name, post_pk=pk)
            if content is not None:
                return HttpResponse(content)
            post = selectors.post_for_page(pk)
            if post is None:
                raise Http404
            response = render(request, self.template_name, self.context(request, post))
            response.content = CSRF_INPUT.sub(b"", response.content)
            wall_cache.page_set(name, versions, response.content, timeout=wall_cache.POST_PAGE_TIMEOUT)
            return response
        get_token(request)  # the CSRF cookie for the view beacon
        if request.user.is_authenticated:
            return self.signed_in(request, pk)
        post = selectors.post_for_page(pk)
        if post is None:
            raise Http404
        return render(request, self.template_name, self.context(request, post))

    def signed_in(self, request, pk: int):
        name = f"post-parts:{pk}|{translation.get_language()}"
        parts, versions = wall_cache.page_get(name, post_pk=pk)
        if parts is None:
            post = selectors.post_for_page(pk)
            if post is None:
                raise Http404
            context = self.context(request, post)
            parts = self.render_parts(context)
            wall_cache.page_set(name, versions, parts)
        else:
            visitor = visitor_for(request)
            post = selectors.post_for_reader(pk, visitor.user, visitor.key)
            if post is None:
                raise Http404
            # Rare: the reader's own comments waiting for review go in between the published ones.
            own = selectors.comments_for(post, visitor.key) if post.has_own_pending else []
            context = self.context(request, post, comments=own, visitor=visitor, liked=post.liked)
        context["article_html"] = mark_safe(parts["article"])  # noqa: S308 - our templates, autoescaped
        context["comment_form_html"] = mark_safe(parts["comment_form"])  # noqa: S308 - as above
        if not any(comment.status != Comment.Status.PUBLISHED for comment in context["comments"]):
            context["comments_html"] = mark_safe(parts["comments"])  # noqa: S308 - as above
        return render(request, self.template_name, context)

    def render_parts(self, context) -> dict[str, str]:
        """The fragments every signed-in reader shares (no CSRF token, nothing of the reader's)."""
        published = [c for c in context["comments"] if c.status == Comment.Status.PUBLISHED]
        return {
            "article": render_to_string("wall/public/post_article.html", context),
            "comments": render_to_string("wall/public/post_comments.html", {"comments": published}),
            "comment_form": render_to_string("core/includes/form_fields.html", {"form": CommentForm()}),
        }


def csrf_cookie(request):
    """204 that sets the CSRF cookie: pages served from the cache carry none (static JS asks)."""
    get_token(request)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


class PostSeenView(View):
    """POST from the post page's script: count the view once per visitor per window, and answer the
    post's current view and like counts, which the script puts on the page (a post page may come
    from the cache, up to ``POST_PAGE_TIMEOUT`` old)."""

    def post(self, request, pk: int):
        counts = selectors.public_posts().filter(pk=pk).values("view_count", "like_count").first()
        if counts is None:
            raise Http404
        visitor = visitor_for(request)
        key = visitor.key or blind_index(f"addr:{visitor.ip}|{visitor.user_agent}")
        counted = post_services.post_view(post_id=pk, visitor_key=key)
        response = JsonResponse({"views": counts["view_count"] + int(counted), "likes": counts["like_count"]})
        response["Cache-Control"] = "no-store"
        return response


class PostLikeView(View):
    def post(self, request, pk: int):
        post = selectors.post_for_page(pk)
        if post is None:
            raise Http404
        visitor = visitor_for(request, create_guest=True)
        try:
            liked = post_services.post_like(actor=visitor, post=post)
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request,
                " ".join(_error_messages(error).get("__all__", [str(error)]))
                if isinstance(error, ValidationError)
                else str(error),
            )
            return remember_guest(request, redirect("wall_post", pk=pk))
        post.refresh_from_db(fields=["like_count"])
        if request.htmx:
            response = render(request, "wall/public/like_button.html", {"post": post, "liked": liked})
        else:
            response = redirect("wall_post", pk=pk)
        return remember_guest(request, response)


class CommentAddView(View):
    def post(self, request, pk: int):
        post = selectors.post_for_page(pk)
        if post is None:
            raise Http404
        visitor = visitor_for(request, create_guest=True)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment = post_services.comment_submit(
                    actor=visitor,
                    post=post,
                    body=form.cleaned_data["body"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                )
            except PermissionDenied:
                return redirect_to_login(request.get_full_path())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if comment.status == Comment.Status.PUBLISHED:
                    messages.success(request, _("Your comment is published."))
                elif comment.status == Comment.Status.PENDING:
                    messages.info(
                        request, _("Your comment waits for a reviewer. Only you can see it until then.")
                    )
                else:
                    messages.error(
                        request, _("Your comment was refused: it contains words that may not be published.")
                    )
                return remember_guest(request, redirect(reverse("wall_post", args=[pk]) + "#comments"))
        view = PostView()
        response = render(
            request, view.template_name, view.context(request, post, comment_form=form), status=422
        )
        return remember_guest(request, response)


class ReportView(View):
    """Report a post or a comment: signed-in users, and guests when the policy allows it."""

    template_name = "wall/public/report.html"
    kind = "post"

    def target(self, pk: int):
        if self.kind == "post":
            post = selectors.public_posts().filter(pk=pk).first()
            if post is None:
                raise Http404
            return post, post
        comment = (
            Comment.objects.select_related("post")
            .filter(pk=pk, status=Comment.Status.PUBLISHED, hidden_at__isnull=True)
            .first()
        )
        if comment is None or not comment.post.is_public:
            raise Http404
        return comment, comment.post

    def render_form(self, request, form, target, post, status=200):
        context = {
            "form": form,
            "target": target,
            "post": post,
            "kind": self.kind,
            "as_guest": not request.user.is_authenticated,
            "guest_weight": get_policy().wall.guest_report_weight,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        if not request.user.is_authenticated and not get_policy().wall.guest_reports:
            return redirect_to_login(request.get_full_path())
        target, post = self.target(pk)
        return self.render_form(request, ReportForm(), target, post)

    def post(self, request, pk: int):
        target, post = self.target(pk)
        form = ReportForm(request.POST)
        status = 422
        if form.is_valid():
            if form.cleaned_data["website"]:
                form.add_error(None, _("The form could not be accepted. Reload the page and try again."))
                return self.render_form(request, form, target, post, status=400)
            visitor = visitor_for(request, create_guest=True)
            try:
                report_services.report_submit(
                    actor=visitor,
                    post=target if self.kind == "post" else None,
                    comment=target if self.kind == "comment" else None,
                    reason=form.cleaned_data["reason"],
                    detail=form.cleaned_data["detail"],
                )
            except PermissionDenied as error:
                form.add_error(None, str(error))
                status = 403
            except ValidationError as error:
                _add_errors(form, error)
                if getattr(error, "code", None) == report_services.RATE_LIMITED:
                    status = 429
            else:
                messages.success(request, _("Thank you. The operations team will look at your report."))
                # A report that reached the threshold hid the item: the post page may be gone for the public.
                still_public = selectors.public_posts().filter(pk=post.pk).exists()
                return remember_guest(
                    request, redirect("wall_post", pk=post.pk) if still_public else redirect("home")
                )
            return remember_guest(request, self.render_form(request, form, target, post, status=status))
        return self.render_form(request, form, target, post, status=status)


class CommentReportView(ReportView):
    kind = "comment"


# --- images ---------------------------------------------------------------------------------------------
class ImageView(View):
    """A post's image (or its thumbnail): to anyone when the post is public, otherwise only to its
    submitter and to staff who may view the post."""

    thumbnail = False

    def get(self, request, pk: int):
        image = get_object_or_404(PostImage.objects.select_related("post"), pk=pk)
        post = image.post
        if not post.is_public:
            visitor = visitor_for(request)
            own = bool(visitor.key) and visitor.key == post.submitter_key
            staff = (
                request.user.is_authenticated
                and Post.objects.restrict(request.user, "view").filter(pk=post.pk).exists()
            )
            if not (own or staff):
                raise Http404
        field = image.thumbnail if self.thumbnail and image.thumbnail else image.image
        try:
            handle = field.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "public, max-age=86400" if post.is_public else "private, no-store"
        return response


class ThumbnailView(ImageView):
    thumbnail = True


# --- submission -----------------------------------------------------------------------------------------
class SubmitView(View):
    template_name = "wall/public/submit.html"

    def allowed(self, request) -> bool:
        return request.user.is_authenticated or get_policy().wall.guest_submissions

    def get(self, request):
        if not self.allowed(request):
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            self.template_name,
            {
                "form": SubmitForm(),
                "max_images": get_policy().wall.max_images,
                "max_mb": get_policy().wall.image_max_mb,
            },
        )

    def post(self, request):
        if not self.allowed(request):
            return redirect_to_login(request.get_full_path())
        form = SubmitForm(request.POST, request.FILES)
        status = 422
        if form.is_valid():
            if form.cleaned_data["website"]:
                form.add_error(None, _("The form could not be accepted. Reload the page and try again."))
                status = 400
            else:
                visitor = visitor_for(request, create_guest=True)
                try:
                    post = post_services.post_submit(
                        actor=visitor,
                        topic=form.cleaned_data["topic"],
                        title=form.cleaned_data["title"],
                        body=form.cleaned_data["body"],
                        is_anonymous=form.cleaned_data["is_anonymous"],
                        display_name=form.cleaned_data["display_name"],
                        images=form.cleaned_data["images"],
                    )
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                    status = 403
                except ValidationError as error:
                    _add_errors(form, error)
                    if any("limit" in m for m in _error_messages(error).get("__all__", [])):
                        status = 429
                else:
                    if post.status == Post.Status.REJECTED:
                        messages.error(
                            request,
                            _("Your submission was refused: it contains words that may not be published."),
                        )
                    else:
                        messages.success(
                            request,
                            _("Thank you. Your submission waits for review; follow it under My submissions."),
                        )
                    return remember_guest(request, redirect("my_submissions"))
                response = render(
                    request,
                    self.template_name,
                    {
                        "form": form,
                        "max_images": get_policy().wall.max_images,
                        "max_mb": get_policy().wall.image_max_mb,
                    },
                    status=status,
                )
                return remember_guest(request, response)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "max_images": get_policy().wall.max_images,
                "max_mb": get_policy().wall.image_max_mb,
            },
            status=status,
        )


# --- my page --------------------------------------------------------------------------------------------
class MyPageView(LoginRequiredMixin, View):
    """A wall user's own page: their account, submissions at a glance, messages and replies."""

    def get(self, request):
        from allauth.mfa.models import Authenticator

        visitor = visitor_for(request)
        return render(
            request,
            "wall/me.html",
            {
                "has_totp": Authenticator.objects.filter(
                    user=request.user, type=Authenticator.Type.TOTP
                ).exists(),
                "submissions": list(selectors.my_submissions(visitor.key)[:5]),
                "feedback": list(Feedback.objects.filter(user=request.user).order_by("-created")[:5]),
            },
        )


class MySubmissionsView(View):
    template_name = "wall/public/my_submissions.html"

    def get(self, request):
        visitor = visitor_for(request)
        if visitor.user is None and not (get_policy().wall.guest_submissions and visitor.key):
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            self.template_name,
            {
                "submissions": list(selectors.my_submissions(visitor.key)[:100]),
                "withdrawable": post_services.WITHDRAWABLE,
                "takedown_form": TakedownForm(),
            },
        )


class MySubmissionActionView(View):
    action = "withdraw"

    def get(self, request, pk: int):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk: int):
        visitor = visitor_for(request)
        post = Post.objects.filter(pk=pk, submitter_key=visitor.key).first() if visitor.key else None
        if post is None:
            raise Http404
        try:
            if self.action == "withdraw":
                post_services.post_withdraw(actor=visitor, post=post)
                messages.success(request, _("Your submission is withdrawn."))
            else:
                post_services.post_request_takedown(
                    actor=visitor, post=post, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request,
                    _("Your request is sent. The operations team will take the post down after checking it."),
                )
        except ValidationError as error:
            messages.error(request, " ".join(m for msgs in _error_messages(error).values() for m in msgs))
        return redirect("my_submissions")


class MyFeedbackView(LoginRequiredMixin, View):
    template_name = "wall/public/my_feedback.html"

    def render_page(self, request, form, status=200):
        items = list(
            Feedback.objects.filter(user=request.user).select_related("post").order_by("-created")[:50]
        )
        return render(request, self.template_name, {"form": form, "items": items}, status=status)

    def get(self, request):
        initial = {}
        if request.GET.get("kind") in Feedback.Kind.values:
            initial["kind"] = request.GET["kind"]
        return self.render_page(request, FeedbackForm(initial=initial))

    def post(self, request):
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                feedback_services.feedback_send(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your message is sent. The reply will appear on this page."))
                return redirect("my_feedback")
        return self.render_page(request, form, status=422)
