"""Seeded data for the case studies, one module per case study.

Nothing is downloaded: bundled scikit-learn data sets or generators that draw from a seeded
NumPy ``Generator``. Each module's docstring tells its generative story, the hidden structure a
model can learn and the chapter explains. The functions are re-exported here, so chapters write
``datasets.make_visual_search_data(...)``.

Modules: ``cancer`` (chapter 01), ``visual_search`` (02),
``street_view`` (03), ``video_search`` (04),
``harmful_content`` (05),
``video_recommendation`` (06),
``event_recommendation`` (07),
``ad_click`` (08), ``similar_listings`` (09), ``news_feed`` (10),
``people_you_may_know`` (11),
``fraud`` (12), ``drift_stream`` (13), ``latency`` (14).
"""
from .ad_click import AD_DEVICES, AdClickData, make_ad_click_data
from .cancer import load_cancer_screening
from .drift_stream import COEF_AFTER, COEF_BEFORE, STREAM_COLUMNS, DriftStream, make_drift_stream
from .event_recommendation import CATEGORIES, EventRecommendationData, make_event_recommendation_data
from .fraud import N_MERCHANTS, FraudData, make_fraud_data
from .harmful_content import (
    CUE_WORDS,
    HARM_CLASSES,
    HarmfulContentData,
    make_harmful_content_data,
    obfuscate_text,
)
from .latency import LatencyData, make_latency_data, make_user_traffic
from .news_feed import ENGAGEMENT_TASKS, MEDIA_TYPES, NewsFeedData, make_news_feed_data
from .people_you_may_know import (
    STEP_MONTHS,
    PeopleYouMayKnowData,
    make_hub_campaign,
    make_people_you_may_know_data,
)
from .similar_listings import ROOM_TYPES, SimilarListingsData, make_similar_listings_data
from .street_view import STREET_VIEW_CLASSES, StreetViewData, make_street_view_data
from .video_recommendation import (
    VideoRecommendationData,
    make_video_recommendation_data,
    simulate_impressions,
)
from .video_search import VideoSearchData, make_video_search_data
from .visual_search import (
    VisualSearchData,
    make_ann_benchmark,
    make_visual_search_data,
    photograph,
    shift_images,
    shifted_views,
)

__all__ = [
    "load_cancer_screening",
    "VisualSearchData",
    "make_visual_search_data",
    "make_ann_benchmark",
    "photograph",
    "shift_images",
    "shifted_views",
    "StreetViewData",
    "make_street_view_data",
    "STREET_VIEW_CLASSES",
    "VideoSearchData",
    "make_video_search_data",
    "HARM_CLASSES",
    "CUE_WORDS",
    "HarmfulContentData",
    "make_harmful_content_data",
    "obfuscate_text",
    "VideoRecommendationData",
    "make_video_recommendation_data",
    "simulate_impressions",
    "CATEGORIES",
    "EventRecommendationData",
    "make_event_recommendation_data",
    "AD_DEVICES",
    "AdClickData",
    "make_ad_click_data",
    "ROOM_TYPES",
    "SimilarListingsData",
    "make_similar_listings_data",
    "STREAM_COLUMNS",
    "COEF_BEFORE",
    "COEF_AFTER",
    "DriftStream",
    "make_drift_stream",
    "LatencyData",
    "make_latency_data",
    "make_user_traffic",
    "N_MERCHANTS",
    "FraudData",
    "make_fraud_data",
    "PeopleYouMayKnowData",
    "make_people_you_may_know_data",
    "make_hub_campaign",
    "STEP_MONTHS",
    "ENGAGEMENT_TASKS",
    "MEDIA_TYPES",
    "NewsFeedData",
    "make_news_feed_data",
]
